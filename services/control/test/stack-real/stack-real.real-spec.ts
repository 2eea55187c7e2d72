/**
 * The Compose stack with the REAL upstream images (InfluxDB 2.9, Grafana 13, Mosquitto) and
 * the control service on the simulated HAT: what can only be checked against the real
 * servers. Run by the GitHub workflow (job `stack-real`), where a registry is reachable:
 *
 *   make setup (alerts → this test's webhook receiver) ; docker compose up -d --wait
 *   with services/control/test/stack-real/compose.github.yml ; make test-stack-real
 *
 * Not part of `make test` (jest.stack-real.config.js; the file name does not match the
 * default test pattern). It needs the stack's addresses from the environment and FAILS when
 * one is missing — it never skips:
 *   STACK_GRAFANA_URL, STACK_CONTROL_URL, STACK_INFLUX_URL   the published ports
 *   STACK_ENV_FILE        the stack's .env (passwords, tokens)
 *   STACK_COMPOSE         how to run compose for this stack (e.g. "docker compose")
 *   STACK_WEBHOOK_PORT    where this test receives Grafana's notifications (ALERT_WEBHOOK_URL
 *                         of the stack is http://host.docker.internal:<port>/alert)
 */
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { readDotEnv, ROOT } from '../stack/support/compose-env';

const REQUIRED = [
  'STACK_GRAFANA_URL',
  'STACK_CONTROL_URL',
  'STACK_INFLUX_URL',
  'STACK_ENV_FILE',
  'STACK_COMPOSE',
  'STACK_WEBHOOK_PORT',
] as const;
const missing = REQUIRED.filter((name) => !process.env[name]);
if (missing.length > 0) {
  throw new Error(
    `the real-stack checks need a running stack: ${missing.join(', ')} not set ` +
      '(see the comment at the top of this file and the stack-real job in .github/workflows/ci.yml)',
  );
}
const env = process.env as Record<(typeof REQUIRED)[number], string>;
const GRAFANA = env.STACK_GRAFANA_URL.replace(/\/+$/, '');
const CONTROL = env.STACK_CONTROL_URL.replace(/\/+$/, '');
const INFLUX = env.STACK_INFLUX_URL.replace(/\/+$/, '');
const COMPOSE = env.STACK_COMPOSE.split(/\s+/);
const dotenv = () => readDotEnv(env.STACK_ENV_FILE);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value (not undefined) or `timeoutMs` passes. */
async function eventually<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>) {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > end)
      throw new Error(
        `timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
      );
    await sleep(2000);
  }
}

/** `compose exec -T <service> <command…>`; its stdout (throws on failure). */
function exec(service: string, ...command: string[]): string {
  const r = spawnSync(COMPOSE[0], [...COMPOSE.slice(1), 'exec', '-T', service, ...command], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`${command.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
const influx = (...args: string[]) =>
  JSON.parse(exec('influxdb', 'influx', ...args, '--json')) as unknown;

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
interface Reply<T> {
  readonly status: number;
  readonly body: T;
}
async function grafana<T = unknown>(
  path: string,
  init: RequestInit = {},
  password = dotenv().GRAFANA_ADMIN_PASSWORD,
): Promise<Reply<T>> {
  const res = await fetch(`${GRAFANA}${path}`, {
    ...init,
    headers: {
      Authorization: basic('admin', password),
      'Content-Type': 'application/json',
      ...(init.headers as Record<string, string> | undefined),
    },
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as T };
}
/** InfluxQL through the v1 API as Grafana's read-only user. */
interface InfluxQlResult {
  results?: { series?: { values?: unknown[][] }[]; error?: string }[];
}
async function influxQl(
  q: string,
  password = dotenv().GRAFANA_INFLUX_PASSWORD,
): Promise<Reply<InfluxQlResult | null>> {
  const res = await fetch(
    `${INFLUX}/query?${new URLSearchParams({ db: 'cryopilot', q }).toString()}`,
    {
      headers: { Authorization: basic('grafana', password) },
    },
  );
  return {
    status: res.status,
    body: (await res.json().catch(() => null)) as InfluxQlResult | null,
  };
}
const firstValue = (body: InfluxQlResult | null): number | undefined => {
  const v = body?.results?.[0]?.series?.[0]?.values?.[0]?.[1];
  return typeof v === 'number' ? v : undefined;
};

/** Grafana's notifications, as its webhook integration POSTs them. */
interface Notification {
  alerts: { status: string; labels: Record<string, string> }[];
}
const notifications: Notification[] = [];
let receiver: Server;
beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      try {
        notifications.push(JSON.parse(body) as Notification);
      } catch {
        // not a notification
      }
      res.statusCode = 200;
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) =>
    receiver.listen(Number(env.STACK_WEBHOOK_PORT), '0.0.0.0', resolve),
  );
});
afterAll(() => receiver?.close());

async function controlLogin(password = dotenv().ADMIN_PASSWORD): Promise<string> {
  const res = await fetch(`${CONTROL}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  if (res.status !== 200) throw new Error(`control login: HTTP ${res.status}`);
  return res.headers.get('set-cookie')!.split(';')[0];
}

describe('InfluxDB 2.9: the init script did its work', () => {
  it('org, raw bucket (INFLUX_RETENTION) and the long-retention bucket', () => {
    const buckets = influx('bucket', 'list', '--org', 'cryopilot') as {
      name: string;
      retentionRules: { everySeconds: number }[];
    }[];
    const byName = Object.fromEntries(
      buckets.map((b) => [b.name, b.retentionRules[0]?.everySeconds ?? 0]),
    );
    expect(byName.cryopilot).toBe(30 * 86_400);
    expect(byName.cryopilot_long).toBe(1825 * 86_400);
  });

  it('DBRP mappings for Grafana’s InfluxQL: cryopilot/autogen (default) and cryopilot/long', () => {
    const buckets = influx('bucket', 'list', '--org', 'cryopilot') as {
      id: string;
      name: string;
    }[];
    const id = (name: string) => buckets.find((b) => b.name === name)!.id;
    const dbrps = influx('v1', 'dbrp', 'list', '--org', 'cryopilot') as {
      database: string;
      retention_policy: string;
      default: boolean;
      bucketID: string;
    }[];
    const mapping = (rp: string) =>
      dbrps.find((d) => d.database === 'cryopilot' && d.retention_policy === rp);
    expect(mapping('autogen')).toMatchObject({ default: true, bucketID: id('cryopilot') });
    expect(mapping('long')).toMatchObject({ bucketID: id('cryopilot_long') });
  });

  it('the v1 user grafana reads both buckets and cannot write', async () => {
    const { status, body } = await influxQl('SHOW MEASUREMENTS');
    expect(status).toBe(200);
    expect(JSON.stringify(body)).toContain('channel');
    const write = await fetch(`${INFLUX}/write?db=cryopilot`, {
      method: 'POST',
      headers: { Authorization: basic('grafana', dotenv().GRAFANA_INFLUX_PASSWORD) },
      body: 'intruder v=1',
    });
    expect([401, 403]).toContain(write.status);
  });

  it('the control service’s token is write-only on bucket cryopilot, and the service uses it', async () => {
    const token = exec('control', 'cat', '/run/cryopilot/influx/influx-token').trim();
    const auths = influx('auth', 'list') as { description: string; permissions: string[] }[];
    const own = auths.find((a) => a.description.startsWith('cryopilot control service'))!;
    expect(own.permissions).toHaveLength(1);
    expect(own.permissions[0]).toMatch(/^write:orgs\/\w+\/buckets\/\w+$/);
    const write = await fetch(
      `${INFLUX}/api/v2/write?org=cryopilot&bucket=cryopilot&precision=ms`,
      {
        method: 'POST',
        headers: { Authorization: `Token ${token}` },
        body: `stack_real_check v=1 ${Date.now()}`,
      },
    );
    expect(write.status).toBe(204);
    const read = await fetch(`${INFLUX}/api/v2/query?org=cryopilot`, {
      method: 'POST',
      headers: { Authorization: `Token ${token}`, 'Content-Type': 'application/vnd.flux' },
      body: 'from(bucket: "cryopilot") |> range(start: -1m)',
    });
    expect([401, 403, 404]).toContain(read.status);
    // Telemetry lands: the service writes with that token.
    const count = await eventually('telemetry in InfluxDB', 180_000, async () => {
      const { body } = await influxQl(
        'SELECT count("value") FROM "channel" WHERE time > now() - 2m',
      );
      const n = firstValue(body);
      return n && n > 0 ? n : undefined;
    });
    expect(count).toBeGreaterThan(0);
  });

  it('the downsampling task exists, runs, and fills cryopilot_long', async () => {
    const tasks = influx('task', 'list', '--org', 'cryopilot') as {
      id: string;
      name: string;
      status: string;
    }[];
    const task = tasks.find((t) => t.name === 'cryopilot-downsample-1m')!;
    expect(task).toMatchObject({ status: 'active' });
    const operator = `Token ${dotenv().INFLUXDB_ADMIN_TOKEN}`;
    const started = await fetch(`${INFLUX}/api/v2/tasks/${task.id}/runs`, {
      method: 'POST',
      headers: { Authorization: operator, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(started.status).toBe(201);
    const run = (await started.json()) as { id: string };
    const status = await eventually('the task run', 120_000, async () => {
      const res = await fetch(`${INFLUX}/api/v2/tasks/${task.id}/runs/${run.id}`, {
        headers: { Authorization: operator },
      });
      const s = ((await res.json()) as { status: string }).status;
      return s === 'scheduled' || s === 'started' ? undefined : s;
    });
    expect(status).toBe('success');
    const { body } = await influxQl(
      'SELECT count("value") FROM "long"."channel" WHERE time > now() - 6h',
    );
    expect(firstValue(body)).toBeGreaterThan(0);
  });
});

describe('Grafana 13: provisioning as it really loads', () => {
  it('the datasource answers (DBRP mapping, the grafana user)', async () => {
    const { status, body } = await grafana<{ status: string }>(
      '/api/datasources/uid/cryopilot-influxql/health',
    );
    expect(status).toBe(200);
    expect(body.status).toBe('OK');
  });

  it('one folder holds the dashboards and the alert rules', async () => {
    const { body: folders } = await grafana<{ uid: string; title: string }[]>('/api/folders');
    const cryopilot = folders.filter((f) => f.title === 'CryoPilot');
    expect(cryopilot).toHaveLength(1);
    const { body: dashboards } = await grafana<{ uid: string; folderUid: string }[]>(
      '/api/search?type=dash-db',
    );
    for (const uid of ['cryopilot-process', 'cryopilot-diagnostics']) {
      const d = dashboards.find((x) => x.uid === uid);
      expect(d?.folderUid).toBe(cryopilot[0].uid);
    }
    const { body: rules } = await grafana<{ uid: string; folderUID: string }[]>(
      '/api/v1/provisioning/alert-rules',
    );
    expect(rules).toHaveLength(6);
    for (const rule of rules) expect(rule.folderUID).toBe(cryopilot[0].uid);
  });

  it('every provisioned alert rule evaluates with health ok', async () => {
    const rules = await eventually('every rule evaluated', 240_000, async () => {
      const { body } = await grafana<{
        data: {
          groups: {
            rules: { name: string; health: string; lastEvaluation: string; lastError?: string }[];
          }[];
        };
      }>('/api/prometheus/grafana/api/v1/rules');
      const all = body.data.groups.flatMap((g) => g.rules);
      const evaluated = all.length === 6 && all.every((r) => !r.lastEvaluation.startsWith('0001'));
      return evaluated ? all : undefined;
    });
    expect(rules.map((r) => [r.name, r.health, r.lastError ?? ''])).toEqual(
      rules.map((r) => [r.name, 'ok', '']),
    );
  });

  it('make test-alert: Grafana’s contact point test reaches the webhook', async () => {
    notifications.length = 0;
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/test-alert.mjs')], {
      env: {
        PATH: process.env.PATH ?? '',
        GRAFANA_URL: GRAFANA,
        GRAFANA_ADMIN_PASSWORD: dotenv().GRAFANA_ADMIN_PASSWORD,
        ALERT_DESTINATIONS: dotenv().ALERT_DESTINATIONS,
      },
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const got = await eventually('the test notification', 60_000, () =>
      Promise.resolve(
        notifications.find((n) =>
          n.alerts.some((a) => a.labels.alertname === 'CryoPilot test alert'),
        ),
      ),
    );
    expect(got).toBeDefined();
  });

  it('an O2 drop on the simulated HAT fires the O2 rule and reaches the webhook', async () => {
    notifications.length = 0;
    const cookie = await controlLogin();
    const res = await fetch(`${CONTROL}/api/sim/scenario`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: cookie },
      body: JSON.stringify({ name: 'o2-drop', sensor: 1, dropToPct: 17 }),
    });
    expect(res.status).toBe(200);
    const fired = await eventually('an O2 notification', 360_000, () =>
      Promise.resolve(
        notifications
          .flatMap((n) => n.alerts)
          .find((a) => a.status === 'firing' && /^O2 low/.test(a.labels.alertname)),
      ),
    );
    expect(fired.labels).toMatchObject({ system: 'cryopilot', channel: 'o2_1' });
  });
});

describe('make rotate-secret against the running stack', () => {
  const rotate = (name: string) =>
    spawnSync('bash', [join(ROOT, 'scripts/rotate-secret.sh'), name], {
      cwd: ROOT,
      env: { ...process.env, ENV_FILE: env.STACK_ENV_FILE, COMPOSE: env.STACK_COMPOSE },
      encoding: 'utf8',
    });

  it('GRAFANA_ADMIN_PASSWORD: the new one logs in, the old one no longer', async () => {
    const old = dotenv().GRAFANA_ADMIN_PASSWORD;
    const r = rotate('GRAFANA_ADMIN_PASSWORD');
    expect(r.status).toBe(0);
    expect((await grafana('/api/user', {}, dotenv().GRAFANA_ADMIN_PASSWORD)).status).toBe(200);
    expect((await grafana('/api/user', {}, old)).status).toBe(401);
  });

  it('GRAFANA_INFLUX_PASSWORD: InfluxDB and Grafana’s datasource both use the new one', async () => {
    const old = dotenv().GRAFANA_INFLUX_PASSWORD;
    const r = rotate('GRAFANA_INFLUX_PASSWORD');
    expect(r.status).toBe(0);
    expect((await influxQl('SHOW MEASUREMENTS', old)).status).toBe(401);
    const health = await eventually('Grafana back with the new password', 180_000, async () => {
      const { status, body } = await grafana<{ status: string }>(
        '/api/datasources/uid/cryopilot-influxql/health',
      );
      return status === 200 ? body.status : undefined;
    });
    expect(health).toBe('OK');
  });

  it('INFLUXDB_ADMIN_PASSWORD and INFLUXDB_ADMIN_TOKEN: the new ones work, the old ones not', async () => {
    const oldToken = dotenv().INFLUXDB_ADMIN_TOKEN;
    expect(rotate('INFLUXDB_ADMIN_PASSWORD').status).toBe(0);
    const signin = await fetch(`${INFLUX}/api/v2/signin`, {
      method: 'POST',
      headers: { Authorization: basic('admin', dotenv().INFLUXDB_ADMIN_PASSWORD) },
    });
    expect(signin.status).toBe(204);
    expect(rotate('INFLUXDB_ADMIN_TOKEN').status).toBe(0);
    const buckets = (token: string) =>
      fetch(`${INFLUX}/api/v2/buckets`, { headers: { Authorization: `Token ${token}` } }).then(
        (r) => r.status,
      );
    expect(await buckets(dotenv().INFLUXDB_ADMIN_TOKEN)).toBe(200);
    expect(await buckets(oldToken)).toBe(401);
    // The CLI in the container was switched to the new token.
    expect(() => exec('influxdb', 'influx', 'bucket', 'list')).not.toThrow();
  });

  it('INFLUX_WRITE_TOKEN: the service moves to the new token by itself, the old one is refused', async () => {
    const old = exec('control', 'cat', '/run/cryopilot/influx/influx-token').trim();
    expect(rotate('INFLUX_WRITE_TOKEN').status).toBe(0);
    const fresh = exec('control', 'cat', '/run/cryopilot/influx/influx-token').trim();
    expect(fresh).not.toBe(old);
    const write = (token: string) =>
      fetch(`${INFLUX}/api/v2/write?org=cryopilot&bucket=cryopilot`, {
        method: 'POST',
        headers: { Authorization: `Token ${token}` },
        body: 'stack_real_check v=2',
      }).then((r) => r.status);
    expect(await write(old)).toBe(401);
    const since = new Date().toISOString();
    const n = await eventually('telemetry with the new token', 120_000, async () => {
      const { body } = await influxQl(
        `SELECT count("value") FROM "channel" WHERE time > '${since}'`,
      );
      const v = firstValue(body);
      return v && v > 0 ? v : undefined;
    });
    expect(n).toBeGreaterThan(0);
  });

  it('ADMIN_PASSWORD: the operator page’s admin logs in with the new one', async () => {
    const old = dotenv().ADMIN_PASSWORD;
    expect(rotate('ADMIN_PASSWORD').status).toBe(0);
    await expect(controlLogin()).resolves.toMatch(/=/);
    await expect(controlLogin(old)).rejects.toThrow('HTTP 401');
  });
});
