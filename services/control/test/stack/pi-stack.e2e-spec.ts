/**
 * The Pi stack for real: the project's docker-compose.yml and Makefile in a checkout owned by
 * an unprivileged user, brought up with a test override (host networking, simulated HAT,
 * service names → 127.0.0.1, free ports). Here (no registry): Debian's docker-compose 1.29 on
 * podman's socket, the local Mosquitto stand-in, the project's image built from its own
 * Dockerfile, and VictoriaMetrics serving the InfluxDB v2 write API in place of InfluxDB 2;
 * Grafana is left out. In GitHub Actions: `docker compose` with the real upstream images.
 */
import mqtt, { MqttClient } from 'mqtt';
import { chownSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { request as httpRequest } from 'node:http';
import { get as httpsGet, request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { reportServer, testImage } from '../support/servers/engine';
import { controlImage, engineAvailable, run, waitFor } from './support/engine-cli';
import { networks, Stack, STACK_DB, USER_UID, userPriv, WITH_GRAFANA } from './support/stack';

jest.setTimeout(300_000);

const enabled = engineAvailable('Pi stack test');
const maybe = enabled ? describe : describe.skip;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const BROKER_UID = 1883;
const DEVICE = 'stack-test';

let stack: Stack;
let networksBefore: string[];
const clients: MqttClient[] = [];
const services = ['mosquitto', 'influxdb', 'control', ...(WITH_GRAFANA ? ['grafana'] : [])];

beforeAll(async () => {
  if (!enabled) return;
  const images = {
    mosquitto: testImage('MOSQUITTO_TEST_IMAGE', 'mosquitto'),
    control: controlImage(),
    db:
      STACK_DB === 'victoria-metrics'
        ? testImage('VICTORIA_METRICS_TEST_IMAGE', undefined, 'victoriametrics/victoria-metrics')
        : testImage('INFLUXDB2_TEST_IMAGE', 'influxdb'),
  };
  stack = await Stack.create(images);
  for (const [service, image] of Object.entries(images)) {
    reportServer(`stack ${service}`, `container:${image}`);
  }
  if (!WITH_GRAFANA) {
    console.log(
      'Pi stack: Grafana left out and `influxdb` served by VictoriaMetrics (InfluxDB v2 write ' +
        'API): no registry here for grafana/grafana and influxdb:2 — the GitHub workflow runs ' +
        'this test with both.',
    );
  }
  networksBefore = networks();
  // `make setup` as the Pi user, before the broker ever started (its folder is still theirs).
  const setup = stack.make('setup', true);
  if (setup.status !== 0) throw new Error(`make setup: ${setup.stderr}${setup.stdout}`);
  writeEnv({ DEVICE_ID: DEVICE });
}, 120_000);

afterAll(() => {
  for (const c of clients) c.end(true);
  if (!stack) return;
  stack.down();
  rmSync(stack.dir, { recursive: true, force: true });
});

function writeEnv(values: Record<string, string>): void {
  const path = join(stack.install, '.env');
  const st = statSync(path);
  let text = readFileSync(path, 'utf8');
  for (const [k, v] of Object.entries(values)) {
    text = new RegExp(`^${k}=`, 'm').test(text)
      ? text.replace(new RegExp(`^${k}=.*$`, 'm'), `${k}=${v}`)
      : `${text}${k}=${v}\n`;
  }
  writeFileSync(path, text);
  chownSync(path, st.uid, st.gid);
}

/** The local CA `make setup` made: the tests trust it as an operator's browser would. */
const stackCa = () => readFileSync(join(stack.install, 'certs/https/ca.crt'));

/**
 * A fetch over HTTPS that trusts the stack's CA (Node's fetch takes no CA of its own), on a
 * fresh connection each time; a Response like fetch's.
 */
function api(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port: stack.ports.http,
        path,
        method: init.method ?? 'GET',
        headers: init.headers,
        ca: stackCa(),
        agent: false,
        timeout: 5000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            for (const v of [value ?? []].flat()) headers.append(name, v);
          }
          resolve(new Response(Buffer.concat(chunks), { status: res.statusCode, headers }));
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${path}: timeout`)));
    req.on('error', reject);
    req.end(init.body);
  });
}

/** GET on a fresh connection each time (no keep-alive race with the server's idle timeout). */
function getJson<T>(path: string, cookie?: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = httpsGet(
      {
        host: '127.0.0.1',
        port: stack.ports.http,
        path,
        ca: stackCa(),
        agent: false,
        headers: cookie ? { cookie } : {},
        timeout: 5000,
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => {
          try {
            resolve(JSON.parse(body) as T);
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: timeout`)));
    req.on('error', reject);
  });
}

/** Throws with the command's output unless it succeeded. */
function ok(r: { status: number; stdout: string; stderr: string }, what: string): string {
  if (r.status !== 0) throw new Error(`${what} exited with ${r.status}:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

interface Health {
  status: string;
  checks: Record<string, { status: string }>;
}
const health = async () => (await (await api('/api/health')).json()) as Health;

async function adminCookie(): Promise<string> {
  const res = await api('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: stack.env().ADMIN_PASSWORD }),
  });
  if (!res.ok) throw new Error(`login: HTTP ${res.status}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

function connect(options: mqtt.IClientOptions & { tls?: boolean } = {}): Promise<MqttClient> {
  const { tls, ...rest } = options;
  const url = tls
    ? `mqtts://127.0.0.1:${stack.ports.mqttTls}`
    : `mqtt://127.0.0.1:${stack.ports.mqtt}`;
  return new Promise((ok, fail) => {
    const client = mqtt.connect(url, {
      protocolVersion: 5,
      reconnectPeriod: 0,
      connectTimeout: 5000,
      ...rest,
    });
    clients.push(client);
    const refused = (e: Error) => {
      client.end(true);
      fail(e);
    };
    client.once('error', refused);
    // Connected: later errors (a broker restart) are the client's to reconnect from.
    client.once('connect', () => {
      client.off('error', refused);
      client.on('error', () => undefined);
      ok(client);
    });
  });
}

/** Telemetry seqs of one channel stored in the database, oldest first. */
async function storedSeqs(channel: string): Promise<number[]> {
  return (await storedPoints(channel)).map((p) => p.seq);
}

/** Telemetry points (seq, sample time) of one channel stored in the database, by seq. */
async function storedPoints(channel: string): Promise<{ seq: number; ts: number }[]> {
  const db = `http://127.0.0.1:${stack.ports.db}`;
  if (STACK_DB === 'victoria-metrics') {
    await fetch(`${db}/internal/force_flush`);
    const match = encodeURIComponent(`channel_seq{device="${DEVICE}",channel="${channel}"}`);
    const text = await (await fetch(`${db}/api/v1/export?match[]=${match}`)).text();
    return text
      .split('\n')
      .filter(Boolean)
      .flatMap((l) => {
        const series = JSON.parse(l) as { values: number[]; timestamps: number[] };
        return series.values.map((seq, i) => ({ seq, ts: series.timestamps[i] }));
      })
      .sort((a, b) => a.seq - b.seq);
  }
  const token = stack.env().INFLUXDB_ADMIN_TOKEN;
  const flux =
    `from(bucket: "cryopilot") |> range(start: 0) |> filter(fn: (r) => r._measurement == "channel"` +
    ` and r._field == "seq" and r.device == "${DEVICE}" and r.channel == "${channel}")` +
    ' |> keep(columns: ["_time", "_value"])';
  const res = await fetch(`${db}/api/v2/query?org=cryopilot`, {
    method: 'POST',
    headers: {
      Authorization: `Token ${token}`,
      'content-type': 'application/vnd.flux',
      accept: 'application/csv',
    },
    body: flux,
  });
  // Annotated CSV: ,result,table,_time,_value
  const csv = await res.text();
  return csv
    .split('\n')
    .map((l) => l.trim().split(','))
    .filter(
      (cols) => /^\d+$/.test(cols.at(-1) ?? '') && !Number.isNaN(Date.parse(cols.at(-2) ?? '')),
    )
    .map((cols) => ({ seq: Number(cols.at(-1)), ts: Date.parse(cols.at(-2)!) }))
    .sort((a, b) => a.seq - b.seq);
}

const contiguous = (seqs: number[]) => seqs.every((s, i) => i === 0 || s === seqs[i - 1] + 1);

maybe('the Pi stack (docker-compose.yml, Makefile, pi-setup.sh)', () => {
  it('control starts and runs while the broker is broken (no health condition on its dependencies)', async () => {
    // A broker that cannot start: an unknown option in its config.
    stack.editMosquittoConf((c) => `${c}\nthis_option_does_not_exist true\n`);
    const up = stack.make('up', false, {}, 180_000);
    expect(`${up.stderr}${up.stdout}`).not.toMatch(/unhealthy|dependency failed/i);
    expect({ status: up.status, output: `${up.stderr}${up.stdout}` }).toMatchObject({ status: 0 });
    await waitFor(
      async () => (await api('/api/health')).ok,
      90_000,
      () => stack.logs('control'),
    );
    const h = await health();
    expect(h.checks.controlLoop.status).toBe('ok');
    expect(h.checks.mqtt.status).not.toBe('ok');
    // The safety loop ticks: the state's time moves.
    const cookie = await adminCookie();
    const ts1 = (
      (await (await api('/api/state', { headers: { cookie } })).json()) as { ts: string }
    ).ts;
    await sleep(500);
    const ts2 = (
      (await (await api('/api/state', { headers: { cookie } })).json()) as { ts: string }
    ).ts;
    expect(Date.parse(ts2)).toBeGreaterThan(Date.parse(ts1));
    // The broker is repaired: everything comes up healthy, without touching control.
    stack.editMosquittoConf((c) => c.replace(/\nthis_option_does_not_exist true\n/, '\n'));
    stack.composeOk(['up', '-d', 'mosquitto']);
    await waitFor(
      () => stack.allHealthy(services),
      180_000,
      () => services.map((s) => stack.logs(s)).join('\n'),
    );
    // Host networking only: the run created no network.
    expect(networks()).toEqual(networksBefore);
  });

  it('serves the page over HTTPS with the certificate `make setup` made; plain HTTP is redirected', async () => {
    // The CA's key is gone once it has signed; the service key is the Pi user's, 0640, read
    // by the container's non-root user through the group Compose adds (HTTPS_KEY_GID).
    const certs = join(stack.install, 'certs/https');
    expect(existsSync(join(certs, 'ca.key'))).toBe(false);
    const key = statSync(join(certs, 'server.key'));
    expect([key.uid, key.gid, key.mode & 0o777]).toEqual([
      USER_UID,
      Number(stack.env().HTTPS_KEY_GID),
      0o640,
    ]);
    // Verified against the local CA for 127.0.0.1 (api() trusts only that CA), with HSTS.
    const res = await api('/api/health');
    expect(res.status).toBe(200);
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    const plain = await new Promise<{ status?: number; location?: string }>((resolve, reject) =>
      httpRequest({ host: '127.0.0.1', port: stack.ports.http, path: '/api/state' }, (r) => {
        r.resume();
        resolve({ status: r.statusCode, location: r.headers.location });
      })
        .on('error', reject)
        .end(),
    );
    expect(plain).toEqual({
      status: 308,
      location: `https://127.0.0.1:${stack.ports.http}/api/state`,
    });
  });

  it('the service logs in with its generated credentials; anonymous and wrong passwords are refused', async () => {
    await waitFor(
      async () => (await health()).checks.mqtt.status === 'ok',
      60_000,
      () => stack.logs('control'),
    );
    await expect(connect()).rejects.toThrow(/Not authorized|Bad User Name or Password/i);
    await expect(connect({ username: 'cryopilot', password: 'wrong' })).rejects.toThrow(
      /Not authorized|Bad User Name or Password/i,
    );
    const reader = await connect({
      username: 'reader',
      password: stack.env().MQTT_READONLY_PASSWORD,
    });
    const got: string[] = [];
    reader.on('message', (topic) => got.push(topic));
    await reader.subscribeAsync(`cryopilot/${DEVICE}/telemetry`, { qos: 1 });
    await waitFor(
      () => got.length >= 5,
      10_000,
      () => `telemetry on MQTT: ${got.length}`,
    );
    reader.end(true);
  });

  it('telemetry lands in the database', async () => {
    await waitFor(
      async () => (await storedSeqs('o2_1')).length > 20,
      60_000,
      () => stack.logs('control'),
    );
  });

  it('Mosquitto and the database restarted under load: control unaffected, nothing lost', async () => {
    const cookie = await adminCookie();
    // A persistent MQTT session: what the broker queues while the reader is away survives the
    // broker's restart (persistence in its data volume).
    const reader = await connect({
      username: 'reader',
      password: stack.env().MQTT_READONLY_PASSWORD,
      clientId: 'stack-test-reader',
      clean: false,
      properties: { sessionExpiryInterval: 600 },
      reconnectPeriod: 500,
    });
    const mqttSeqs = new Set<number>();
    reader.on('message', (_t, payload) =>
      mqttSeqs.add((JSON.parse(payload.toString()) as { seq: number }).seq),
    );
    await reader.subscribeAsync(`cryopilot/${DEVICE}/telemetry`, { qos: 1 });
    await waitFor(
      () => mqttSeqs.size > 5,
      10_000,
      () => 'no telemetry on MQTT',
    );

    // Poll the service throughout: every answer fresh, the loop ok, the valve in auto.
    const samples: { ts: number; mode: string; loop: string; mqtt: string; telemetry: string }[] =
      [];
    const errors: string[] = [];
    const events: string[] = [];
    const t0 = Date.now();
    const event = (what: string) =>
      events.push(`${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);
    let polling = true;
    const poller = (async () => {
      while (polling) {
        try {
          const [state, h] = await Promise.all([
            getJson<{ ts: string; valve: { mode: string } }>('/api/state', cookie),
            getJson<Health>('/api/health'),
          ]);
          samples.push({
            ts: Date.parse(state.ts),
            mode: state.valve.mode,
            loop: h.checks.controlLoop.status,
            mqtt: h.checks.mqtt.status,
            telemetry: h.checks.telemetry.status,
          });
        } catch (error) {
          errors.push(`${((Date.now() - t0) / 1000).toFixed(1)} s: ${String(error)}`);
        }
        await sleep(200);
      }
    })();
    try {
      for (const service of ['mosquitto', 'influxdb']) {
        event(`stop ${service}`);
        await stack.composeAsync(['stop', '-t', '10', service]);
        event(`stopped ${service}`);
        await sleep(3000);
        await stack.composeAsync(['start', service]);
        event(`started ${service}`);
        // Asynchronously: a blocked event loop would time the poller's requests out.
        await waitFor(
          () => stack.allHealthyAsync([service]),
          120_000,
          () => stack.logs(service),
        );
        event(`healthy ${service}`);
      }
      await waitFor(
        () => {
          const last = samples.at(-1);
          return last?.mqtt === 'ok' && last.telemetry === 'ok';
        },
        120_000,
        () => JSON.stringify(samples.at(-1)),
      );
    } finally {
      polling = false;
      await poller;
    }
    // The service answered every time; links went down and recovered; the loop never stopped.
    console.log(`restarts under load:\n${[...events, ...errors].sort().join('\n')}`);
    expect(errors).toEqual([]);
    expect(samples.some((s) => s.mqtt !== 'ok')).toBe(true);
    expect(samples.some((s) => s.telemetry !== 'ok')).toBe(true);
    expect(samples.every((s) => s.loop === 'ok' && s.mode === 'auto')).toBe(true);
    for (let i = 1; i < samples.length; i++) {
      expect(samples[i].ts).toBeGreaterThanOrEqual(samples[i - 1].ts);
    }
    const now = Date.now();
    expect(now - samples.at(-1)!.ts).toBeLessThan(2000);

    // Nothing lost: every sample's seq is in the database, without a gap, after the replay.
    const lastSeq = await waitFor(
      async () => {
        const seqs = await storedSeqs('o2_1');
        return seqs.length > 0 && contiguous(seqs) && seqs.at(-1)! > samples.length;
      },
      120_000,
      () => 'telemetry seqs not contiguous',
    ).then(() => storedSeqs('o2_1'));
    expect(lastSeq[0]).toBe(1);
    expect(contiguous(lastSeq)).toBe(true);
    // The loop ticked every 100 ms throughout (sample times, stored after the replay).
    const points = (await storedPoints('o2_1')).filter((p) => p.ts >= t0);
    const gaps = points.slice(1).map((p, i) => p.ts - points[i].ts);
    expect(points.length).toBeGreaterThan(100);
    expect(Math.max(...gaps)).toBeLessThan(1000);
    // …and on MQTT, through the broker's restart, for the persistent reader.
    const received = [...mqttSeqs].sort((a, b) => a - b);
    await waitFor(
      () => {
        const r = [...mqttSeqs].sort((a, b) => a - b);
        return contiguous(r) && r.at(-1)! >= received.at(-1)! + 20;
      },
      60_000,
      () => `MQTT seqs with gaps: ${JSON.stringify([...mqttSeqs].sort((a, b) => a - b))}`,
    );
    reader.end(true);
  });

  it('`sudo make setup` resets a password: after SIGHUP the new one works, the old one is refused', async () => {
    const old = stack.env().MQTT_READONLY_PASSWORD;
    writeEnv({ MQTT_READONLY_PASSWORD: '' });
    ok(stack.make('setup', false), 'sudo make setup');
    const fresh = stack.env().MQTT_READONLY_PASSWORD;
    expect(fresh).toMatch(/^[0-9a-f]{48}$/);
    expect(fresh).not.toBe(old);
    // What the broker reads after dropping to its user, and what the Pi user reads.
    const passwd = statSync(join(stack.install, 'mosquitto/config/passwd'));
    expect([passwd.uid, passwd.mode & 0o777]).toEqual([BROKER_UID, 0o600]);
    expect(statSync(join(stack.install, '.env')).uid).toBe(USER_UID);
    const hupAt = new Date().toISOString();
    stack.composeOk(['kill', '-s', 'HUP', 'mosquitto']);
    await waitFor(
      async () => {
        const c = await connect({ username: 'reader', password: fresh });
        c.end(true);
        return true;
      },
      15_000,
      () => stack.logs('mosquitto'),
    );
    await expect(connect({ username: 'reader', password: old })).rejects.toThrow(
      /Not authorized|Bad User Name or Password/i,
    );
    // The service's own user (unchanged) and the ACL still work after the reload.
    expect(stack.logsSince('mosquitto', hupAt)).not.toMatch(/Unable to open|Error/);
    await waitFor(
      async () => (await health()).checks.mqtt.status === 'ok',
      30_000,
      () => stack.logs('control'),
    );
  });

  it('TLS as the README says: the key the Pi user made is readable by the broker after `sudo make setup`', async () => {
    const certs = join(stack.install, 'mosquitto/certs');
    // mosquitto/README.md's steps, as the Pi user.
    const script = readFileSync(join(stack.install, 'mosquitto/README.md'), 'utf8');
    const steps = /## Optional TLS listener[\s\S]*?```sh\n([\s\S]*?)```/.exec(script)![1];
    const made = run('setpriv', [...userPriv(), 'sh', '-c', `set -e\n${steps}`], {
      cwd: stack.install,
    });
    expect(made.stderr).not.toMatch(/error/i);
    expect(made.status).toBe(0);
    expect(statSync(join(certs, 'server.key')).uid).toBe(USER_UID);
    // The README's next step: enable the listener (on the test's port).
    stack.editMosquittoConf((c) =>
      c
        .replace('#listener 8883', `listener ${stack.ports.mqttTls} 127.0.0.1`)
        .replace(/^#(protocol mqtt|certfile|keyfile|cafile|tls_version)/gm, '$1'),
    );
    ok(stack.make('setup', false), 'sudo make setup');
    const key = statSync(join(certs, 'server.key'));
    expect([key.uid, key.mode & 0o777]).toEqual([BROKER_UID, 0o600]);
    stack.composeOk(['restart', '-t', '5', 'mosquitto']);
    const ca = readFileSync(join(certs, 'ca.crt'));
    const password = stack.env().MQTT_READONLY_PASSWORD;
    const tlsLogin = async () => {
      // Verified against the CA, for the name the README's certificate is made for.
      const c = await connect({
        tls: true,
        ca,
        servername: hostname(),
        username: 'reader',
        password,
      });
      c.end(true);
      return true;
    };
    await waitFor(tlsLogin, 30_000, () => stack.logs('mosquitto'));
    // A reload keeps TLS working (the broker re-reads passwd, acl and its files as uid 1883).
    stack.composeOk(['kill', '-s', 'HUP', 'mosquitto']);
    await sleep(1000);
    await waitFor(tlsLogin, 15_000, () => stack.logs('mosquitto'));
    expect(stack.allHealthy(['mosquitto'])).toBe(true);
  });

  it('`make backup` as the Pi user, wipe, `sudo make restore`: the data is back', async () => {
    // Something in the control service's data volume: a setpoint change (persisted).
    const cookie = await adminCookie();
    const set = await api('/api/commands', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'setpoints.set', args: { o2LowPct: 19.1 } }),
    });
    expect(set.status).toBe(200);
    const before = (
      (await (await api('/api/state', { headers: { cookie } })).json()) as {
        setpoints: Record<string, number>;
      }
    ).setpoints;
    expect(before.o2LowPct).toBe(19.1);
    // backups/ exists and is the Pi user's (made before the engine could make it root's).
    expect(statSync(join(stack.install, 'backups')).uid).toBe(USER_UID);
    const vars = { BACKUP_INFLUXDB: STACK_DB === 'influxdb2' ? '1' : '0' };
    const backup = ok(stack.make('backup', true, vars), 'make backup (as the Pi user)');
    const dir = /backup in (\S+)/.exec(backup)![1];
    const abs = join(stack.install, dir);
    expect(existsSync(join(abs, 'control-data.tar.gz'))).toBe(true);
    expect(existsSync(join(abs, 'config.tar.gz'))).toBe(true);
    if (STACK_DB === 'influxdb2') expect(existsSync(join(abs, 'influxdb'))).toBe(true);
    const envBefore = stack.env();
    const seqsBefore = (await storedSeqs('o2_1')).length;

    // Wipe: containers and volumes gone, .env gone.
    stack.down();
    rmSync(join(stack.install, '.env'));
    ok(stack.make('restore', false, { ...vars, BACKUP: dir }), 'sudo make restore');
    expect(stack.env()).toEqual(envBefore);
    await waitFor(
      async () => (await api('/api/health')).ok,
      90_000,
      () => stack.logs('control'),
    );
    const cookie2 = await adminCookie();
    const after = (
      (await (await api('/api/state', { headers: { cookie: cookie2 } })).json()) as {
        setpoints: Record<string, number>;
      }
    ).setpoints;
    expect(after.o2LowPct).toBe(19.1);
    if (STACK_DB === 'influxdb2') {
      await waitFor(
        async () => (await storedSeqs('o2_1')).length >= seqsBefore,
        60_000,
        () => stack.logs('influxdb'),
      );
    }
  });
});
