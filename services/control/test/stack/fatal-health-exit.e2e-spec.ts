/**
 * Compose does not restart unhealthy containers: in production mode the service exits by
 * itself when the card stays unreachable, with the valve made safe first. A real process.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../support/servers/local-server';
import { eventually } from '../support/test-app';

const MAIN = resolve(__dirname, '../../dist/main.js');
const PASSWORD = 'production-test-password';

jest.setTimeout(60_000);

async function startProduction(dir: string, exitAfterDownS: number) {
  if (!existsSync(MAIN))
    throw new Error(`build the service first (npm run build): ${MAIN} missing`);
  const configPath = join(dir, 'c.yaml');
  writeFileSync(
    configPath,
    `samplePeriodMs: 100\nhardware: { exitAfterDownS: ${exitAfterDownS} }\n`,
  );
  const port = await freePort();
  const mqttPort = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      CRYOPILOT_CONFIG: configPath,
      DATA_DIR: dir,
      HTTP_PORT: String(port),
      HARDWARE_DRIVER: 'simulated',
      ADMIN_PASSWORD: PASSWORD,
      MQTT_URL: '',
      MQTT_EMBEDDED_PORT: String(mqttPort),
      INFLUX_URL: '',
    },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  await eventually(() => Promise.resolve(out.includes('control loop running')), 15_000);
  const base = `http://127.0.0.1:${port}`;
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
  const post = (path: string, body: unknown) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify(body),
    });
  return { child, exited, post, output: () => out, health: () => fetch(`${base}/api/health`) };
}

describe('fatal loss of health in production mode', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'cryopilot-fatal-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('exits (code 70) after trying the safe state, once the card has been unreachable for exitAfterDownS', async () => {
    const p = await startProduction(dir, 2);
    expect((await p.health()).status).toBe(200);
    const fault = await p.post('/api/sim/fault', { fault: 'card-missing' });
    expect(fault.status).toBeLessThan(300);
    const code = await p.exited;
    expect(code).toBe(70);
    // Checked once a second: 2 s, or 3 s when a check fell just short.
    expect(p.output()).toMatch(/health lost: the I\/O card has not answered for [23] s/);
    expect(p.output()).toContain('exiting so that the container is restarted');
    // The emergency stop ran (with the card gone, the valve's own fail-safe does the rest).
    expect(p.output()).toMatch(/safe state \(health lost/);
  });

  it('rides out a card outage shorter than the limit', async () => {
    const p = await startProduction(dir, 5);
    await p.post('/api/sim/fault', { fault: 'card-missing' });
    await new Promise((r) => setTimeout(r, 2000));
    await p.post('/api/sim/fault', { fault: 'none' });
    await eventually(async () => (await p.health()).status === 200, 10_000);
    await new Promise((r) => setTimeout(r, 4000));
    expect(p.child.exitCode).toBeNull();
    p.child.kill('SIGTERM');
    await p.exited;
    expect(p.output()).not.toContain('health lost');
  });
});
