/**
 * influxdb/init/10-cryopilot.sh, run by bash with a stand-in `influx` CLI on PATH that answers
 * as influx-cli 2.8 (the CLI of the influxdb:2.9 image) does: `bucket create --hide-headers`
 * prints a tab-separated row starting with the bucket id (clients/bucket), `auth create
 * --json` prints the created authorization as tab-indented JSON with `id` and `token`
 * (clients/auth/auth.go `printAuth` → clients/cli.go `PrintJSON`). It records every call.
 * The real InfluxDB 2.9 runs the script in the GitHub workflow (test/stack-real).
 *
 * Checked here: the buckets, DBRP mappings, the read-only v1 user and the task are asked for
 * as before; a WRITE-ONLY token for the `cryopilot` bucket is created and handed over in a
 * file (atomically, 0400, owned by the control service's user); Compose shares that file
 * with the control service read-only, and the service reads that token, never the operator's.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './support/compose-env';

const FAKE_INFLUX = `#!/bin/bash
printf '%s\\n' "$*" >>"$INFLUX_CALLS"
case "$1 $2" in
  "bucket create") printf '0f1e2d3c4b5a6978\\tcryopilot_long\\t43800h0m0s\\tn/a\\t01234567deadbeef\\n' ;;
  "auth create")
    printf '{\\n\\t"id": "0a0b0c0d0e0f1011",\\n\\t"description": "x",\\n\\t"token": "Wr1te-0nly_T0ken==",\\n\\t"status": "active",\\n\\t"userName": "admin",\\n\\t"userID": "0c0c0c0c0c0c0c0c",\\n\\t"permissions": [\\n\\t\\t"write:orgs/0123/buckets/raw-bucket-id"\\n\\t]\\n}\\n' ;;
esac
`;

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'cryopilot-influx-init-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runInit(fake = FAKE_INFLUX) {
  const bin = join(dir, 'bin');
  spawnSync('mkdir', ['-p', bin, join(dir, 'token')]);
  writeFileSync(join(bin, 'influx'), fake);
  chmodSync(join(bin, 'influx'), 0o755);
  const calls = join(dir, 'calls');
  writeFileSync(calls, '');
  const result = spawnSync('bash', [join(ROOT, 'influxdb/init/10-cryopilot.sh')], {
    env: {
      PATH: `${bin}:${process.env.PATH}`,
      INFLUX_CALLS: calls,
      DOCKER_INFLUXDB_INIT_ORG: 'cryopilot',
      DOCKER_INFLUXDB_INIT_BUCKET_ID: 'raw-bucket-id',
      GRAFANA_INFLUX_PASSWORD: 'grafana-pw',
      INFLUX_LONG_RETENTION: '1825d',
      INFLUX_WRITE_TOKEN_FILE: join(dir, 'token', 'influx-token'),
    },
    encoding: 'utf8',
  });
  return { ...result, calls: readFileSync(calls, 'utf8').trim().split('\n') };
}

describe('influxdb/init/10-cryopilot.sh', () => {
  it('creates the long bucket, DBRP mappings, the Grafana v1 user and the downsampling task', () => {
    const r = runInit();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.calls.slice(0, 5)).toEqual([
      'bucket create --org cryopilot --name cryopilot_long --retention 1825d --hide-headers',
      'v1 dbrp create --org cryopilot --db cryopilot --rp autogen --bucket-id raw-bucket-id --default',
      'v1 dbrp create --org cryopilot --db cryopilot --rp long --bucket-id 0f1e2d3c4b5a6978',
      'v1 auth create --org cryopilot --username grafana --password grafana-pw --read-bucket raw-bucket-id --read-bucket 0f1e2d3c4b5a6978 --description Grafana (InfluxQL, read-only)',
      'task create --org cryopilot --file /etc/cryopilot/tasks/downsample-1m.flux',
    ]);
  });

  it('creates a write-only token for the raw bucket and hands it over in a private file', () => {
    const r = runInit();
    expect(r.status).toBe(0);
    const auth = r.calls.filter((c) => c.startsWith('auth create'));
    expect(auth).toEqual([
      'auth create --org cryopilot --write-bucket raw-bucket-id --description cryopilot control service (write-only, bucket cryopilot) --json',
    ]);
    // Nothing beyond writing that one bucket: no read, no all-access, no operator.
    expect(auth[0]).not.toMatch(/--read-|--all-access|--operator/);
    const tokenFile = join(dir, 'token', 'influx-token');
    expect(readFileSync(tokenFile, 'utf8')).toBe('Wr1te-0nly_T0ken==\n');
    expect(readFileSync(`${tokenFile}.id`, 'utf8')).toBe('0a0b0c0d0e0f1011\n');
    const stat = statSync(tokenFile);
    expect(stat.mode & 0o777).toBe(0o400);
    expect([stat.uid, stat.gid]).toEqual([1000, 1000]); // the control image's `node` user
    // Written atomically: no temporary file is left next to it.
    expect(readdirSync(join(dir, 'token')).sort()).toEqual(['influx-token', 'influx-token.id']);
  });

  it('fails (so the image wipes the half-done setup and retries) when no token comes back', () => {
    const r = runInit(FAKE_INFLUX.replace('"token": "Wr1te-0nly_T0ken==",', ''));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('could not create the write-only token');
  });
});

describe('the token handover in docker-compose.yml', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, { environment: Record<string, string>; volumes: string[] }>;
  };
  const mountOf = (service: string, path: string) =>
    compose.services[service].volumes
      .map((v) => v.split(':'))
      .find(([, target]) => target === dirname(path));

  it('InfluxDB writes the file on a volume the control service mounts read-only, same name', () => {
    const written = compose.services.influxdb.environment.INFLUX_WRITE_TOKEN_FILE;
    const read = compose.services.control.environment.INFLUX_TOKEN_FILE;
    expect(basename(read)).toBe(basename(written));
    const [volume, , mode] = mountOf('influxdb', written)!;
    const [sameVolume, , readOnly] = mountOf('control', read)!;
    expect(sameVolume).toBe(volume);
    expect(mode).toBeUndefined();
    expect(readOnly).toBe('ro');
  });

  it('the control service gets the write-only token, never the operator token', () => {
    const control = compose.services.control.environment;
    expect(control.INFLUX_TOKEN).toBeUndefined();
    expect(JSON.stringify(control)).not.toContain('INFLUXDB_ADMIN_TOKEN');
  });
});
