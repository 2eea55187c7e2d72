/**
 * `make rotate-secret NAME=… [DRY_RUN=1]` (scripts/rotate-secret.sh): the commands it sends to
 * the running stack and what it does to .env, with a stand-in for `docker compose` that
 * records every call (its arguments, its stdin and the value .env held at that moment) and
 * answers as the influx CLI does (`--json` authorizations, `--hide-headers` rows). The real
 * rotation against the real InfluxDB and Grafana runs in the GitHub workflow
 * (test/stack-real).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDotEnv, ROOT } from './support/compose-env';

const FAKE_COMPOSE = `#!/bin/bash
input="$(cat)"
args="$*"
name="$ROTATING"
printf '%s\\x1e%s\\x1e%s\\x1d' "$(sed -n "s/^$name=//p" "$ENV_FILE")" "$args" "$input" >>"$CALLS"
if [ -n "\${FAIL_ON:-}" ] && [[ "$args" == *"$FAIL_ON"* ]]; then echo "refused" >&2; exit 1; fi
case "$args" in
  *"auth create"*) printf '{\\n\\t"id": "new-id",\\n\\t"description": "x",\\n\\t"token": "NewT0ken_from-InfluxDB==",\\n\\t"status": "active"\\n}\\n' ;;
  *"bucket list"*) printf 'bucket0123\\tcryopilot\\t720h0m0s\\tn/a\\torg0123\\n' ;;
  *"auth list"*) printf '[\\n\\t{\\n\\t\\t"id": "old-admin-id",\\n\\t\\t"description": "admin'"'"'s Token",\\n\\t\\t"token": ""\\n\\t},\\n\\t{\\n\\t\\t"id": "new-id",\\n\\t\\t"description": "admin'"'"'s Token",\\n\\t\\t"token": ""\\n\\t},\\n\\t{\\n\\t\\t"id": "write-id",\\n\\t\\t"description": "cryopilot control service (write-only, bucket cryopilot)",\\n\\t\\t"token": ""\\n\\t}\\n]\\n' ;;
  *INFLUX_WRITE_TOKEN_FILE*) echo "old-write-id" ;;
esac
`;

interface Call {
  /** The value .env held for the rotated secret when the command ran. */
  readonly envValue: string;
  readonly args: string;
  readonly stdin: string;
}

let dir: string;
let n = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cryopilot-rotate-'));
  writeFileSync(join(dir, 'compose'), FAKE_COMPOSE);
  chmodSync(join(dir, 'compose'), 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A .env made by `make setup` (generated secrets), its text before the rotation. */
function freshEnv(): string {
  const envFile = join(dir, `${++n}.env`);
  const r = spawnSync('bash', [join(ROOT, 'scripts/pi-setup.sh')], {
    env: {
      PATH: `${process.env.PATH}:/usr/sbin`,
      CI: 'true',
      ENV_FILE: envFile,
      ENV_EXAMPLE: join(ROOT, '.env.example'),
      PASSWD_FILE: join(dir, `${n}.passwd`),
      CONTACT_POINTS_FILE: join(dir, `${n}-cp.yaml`),
    },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`make setup failed: ${r.stderr}`);
  return envFile;
}

function rotate(name: string, envFile: string, extra: Record<string, string> = {}) {
  const calls = join(dir, `${n}-${name}.calls`);
  writeFileSync(calls, '');
  const r = spawnSync('bash', [join(ROOT, 'scripts/rotate-secret.sh'), name], {
    input: '',
    env: {
      PATH: `${process.env.PATH}:/usr/sbin`,
      ENV_FILE: envFile,
      ENV_EXAMPLE: join(ROOT, '.env.example'),
      PASSWD_FILE: join(dir, `${n}.passwd`),
      CONTACT_POINTS_FILE: join(dir, `${n}-cp.yaml`),
      COMPOSE: join(dir, 'compose'),
      CALLS: calls,
      ROTATING: name,
      ...extra,
    },
    encoding: 'utf8',
  });
  const recorded: Call[] = readFileSync(calls, 'utf8')
    .split('\x1d')
    .filter(Boolean)
    .map((c) => {
      const [envValue, args, stdin] = c.split('\x1e');
      return { envValue, args, stdin };
    });
  return { ...r, calls: recorded };
}

const HEX48 = /^[0-9a-f]{48}$/;

describe('make rotate-secret', () => {
  const names = [
    'INFLUXDB_ADMIN_PASSWORD',
    'INFLUXDB_ADMIN_TOKEN',
    'GRAFANA_INFLUX_PASSWORD',
    'GRAFANA_ADMIN_PASSWORD',
    'ADMIN_PASSWORD',
    'MQTT_PASSWORD',
    'MQTT_READONLY_PASSWORD',
    'MQTT_HEALTHCHECK_PASSWORD',
    'INFLUX_WRITE_TOKEN',
  ];

  it.each(names)('DRY_RUN=1 %s: shows the steps and commands, touches nothing', (name) => {
    const envFile = freshEnv();
    const before = readFileSync(envFile, 'utf8');
    const passwd = readFileSync(join(dir, `${n}.passwd`), 'utf8');
    const r = rotate(name, envFile, { DRY_RUN: '1' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^DRY RUN: nothing is changed/);
    expect(r.stdout).toMatch(/^1\. /m);
    expect(r.stdout).toContain(join(dir, 'compose'));
    expect(r.calls).toEqual([]);
    expect(readFileSync(envFile, 'utf8')).toBe(before);
    expect(readFileSync(join(dir, `${n}.passwd`), 'utf8')).toBe(passwd);
    // The new secret never appears: only its placeholder.
    expect(r.stdout).not.toMatch(/[0-9a-f]{48}/);
  });

  it('refuses an unknown name, listing the known ones', () => {
    const r = rotate('NOPE', freshEnv());
    expect(r.status).toBe(64);
    expect(r.stderr).toContain('secrets: INFLUXDB_ADMIN_PASSWORD');
  });

  it.each([
    [
      'INFLUXDB_ADMIN_PASSWORD',
      'exec -T influxdb sh -c IFS= read -r p && exec influx user password --name admin --password "$p"',
    ],
    [
      'GRAFANA_INFLUX_PASSWORD',
      'exec -T influxdb sh -c IFS= read -r p && exec influx v1 auth set-password --username grafana --password "$p"',
    ],
    [
      'GRAFANA_ADMIN_PASSWORD',
      'exec -T grafana grafana cli --homepath /usr/share/grafana admin reset-admin-password --password-from-stdin',
    ],
    [
      'ADMIN_PASSWORD',
      'exec -T control node dist/auth/users-cli.js set-password admin --password-stdin',
    ],
  ])('%s: the service first (new value on stdin), then .env', (name, command) => {
    const envFile = freshEnv();
    const before = readDotEnv(envFile);
    const old = before[name];
    const r = rotate(name, envFile);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const fresh = readDotEnv(envFile)[name];
    expect(fresh).toMatch(HEX48);
    expect(fresh).not.toBe(old);
    const [first, ...rest] = r.calls;
    expect(first).toEqual({ envValue: old, args: command, stdin: fresh });
    if (name === 'GRAFANA_INFLUX_PASSWORD') {
      // Grafana is recreated after .env has the new value (its datasource reads it).
      expect(rest).toEqual([{ envValue: fresh, args: 'up -d grafana', stdin: '' }]);
    } else {
      expect(rest).toEqual([]);
    }
    // Nothing else in .env changed.
    const others = (values: Record<string, string>) =>
      Object.fromEntries(Object.entries(values).filter(([k]) => k !== name));
    expect(others(readDotEnv(envFile))).toEqual(others(before));
  });

  it('a service that refuses the new value leaves .env unchanged', () => {
    const envFile = freshEnv();
    const before = readFileSync(envFile, 'utf8');
    const r = rotate('GRAFANA_ADMIN_PASSWORD', envFile, { FAIL_ON: 'reset-admin-password' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Grafana refused the new password; .env is unchanged');
    expect(readFileSync(envFile, 'utf8')).toBe(before);
  });

  it('MQTT_PASSWORD: .env, the broker’s passwd made again, SIGHUP, clients recreated', () => {
    const envFile = freshEnv();
    const passwdBefore = readFileSync(join(dir, `${n}.passwd`), 'utf8');
    const r = rotate('MQTT_PASSWORD', envFile);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const fresh = readDotEnv(envFile).MQTT_PASSWORD;
    expect(fresh).toMatch(HEX48);
    const passwd = readFileSync(join(dir, `${n}.passwd`), 'utf8');
    expect(passwd).toMatch(/^cryopilot:\$7\$/m);
    expect(passwd.split('\n')[0]).not.toBe(passwdBefore.split('\n')[0]);
    expect(passwd).not.toContain(fresh);
    expect(r.calls).toEqual([
      { envValue: fresh, args: 'kill -s HUP mosquitto', stdin: '' },
      { envValue: fresh, args: 'up -d mosquitto control', stdin: '' },
    ]);
  });

  it('INFLUXDB_ADMIN_TOKEN: a new operator token, the CLI switched to it, the old one deleted', () => {
    const envFile = freshEnv();
    const old = readDotEnv(envFile).INFLUXDB_ADMIN_TOKEN;
    const r = rotate('INFLUXDB_ADMIN_TOKEN', envFile);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readDotEnv(envFile).INFLUXDB_ADMIN_TOKEN).toBe('NewT0ken_from-InfluxDB==');
    expect(r.calls.map((c) => [c.envValue === old, c.args.replace(/sh -c .*/, 'sh -c …')])).toEqual(
      [
        [true, "exec -T influxdb influx auth create --operator --description admin's Token --json"],
        [true, 'exec -T influxdb sh -c …'],
        [true, 'exec -T influxdb influx auth list --json'],
        [true, 'exec -T influxdb influx auth delete --id old-admin-id'],
      ],
    );
    expect(r.calls[1].args).toContain('influx config set --config-name');
    expect(r.calls[1].stdin).toBe('NewT0ken_from-InfluxDB==');
  });

  it('INFLUX_WRITE_TOKEN: a new write-only token into the shared file, the old one deleted, .env untouched', () => {
    const envFile = freshEnv();
    const before = readFileSync(envFile, 'utf8');
    const r = rotate('INFLUX_WRITE_TOKEN', envFile);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.calls.map((c) => c.args.replace(/sh -c [\s\S]*/, 'sh -c …'))).toEqual([
      'exec -T influxdb influx bucket list --name cryopilot --hide-headers',
      'exec -T influxdb influx auth create --org cryopilot --write-bucket bucket0123 --description cryopilot control service (write-only, bucket cryopilot) --json',
      'exec -T influxdb sh -c …',
      'exec -T influxdb influx auth delete --id old-write-id',
    ]);
    expect(r.calls[1].args).not.toMatch(/--read-|--operator|--all-access/);
    expect(r.calls[2].stdin).toBe('NewT0ken_from-InfluxDB==\nnew-id');
    expect(r.calls[2].args).toContain('mv -f "$t" "$f"');
    expect(readFileSync(envFile, 'utf8')).toBe(before);
  });
});
