import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from './servers/local-server';
import { eventually } from './test-app';

const MAIN = resolve(__dirname, '../../dist/main.js');
const PASSWORD = 'process-test-password';

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly base: string;
  /** The admin session's cookie (`name=value`). */
  readonly cookie: string;
  /** Resolves when the process has ended: its exit code, or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  /** An admin session's POST (JSON body). */
  post(path: string, body: unknown): Promise<Response>;
  /** An admin session's GET. */
  get(path: string): Promise<Response>;
  stop(): Promise<void>;
}

/**
 * The built service (`dist/main.js`, built by `make test`) as a separate process, simulated
 * HAT, embedded broker on a free port, telemetry off, signed in as admin. `configYaml` is its
 * config file; `env` adds or overrides variables.
 */
export async function startServiceProcess(
  dir: string,
  options: { configYaml?: string; env?: Record<string, string> } = {},
): Promise<ServiceProcess> {
  if (!existsSync(MAIN))
    throw new Error(`build the service first (npm run build): ${MAIN} missing`);
  const configPath = join(dir, 'c.yaml');
  writeFileSync(configPath, options.configYaml ?? 'samplePeriodMs: 100\n');
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      CRYOPILOT_CONFIG: configPath,
      DATA_DIR: dir,
      HTTP_PORT: String(port),
      HARDWARE_DRIVER: 'simulated',
      ADMIN_PASSWORD: PASSWORD,
      MQTT_URL: '',
      MQTT_EMBEDDED_PORT: String(await freePort()),
      INFLUX_URL: '',
      ...options.env,
    },
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('exit', (code, signal) => r({ code, signal })),
  );
  const base = `http://127.0.0.1:${port}`;
  // The loop runs before the HTTP server listens: wait for both (a loaded machine shows the gap).
  const answers = () =>
    fetch(`${base}/api/health`).then(
      () => true,
      () => false,
    );
  await eventually(
    async () => out.includes('control loop running') && (await answers()),
    20_000,
  ).catch(() => {
    child.kill('SIGKILL');
    throw new Error(`service did not start:\n${out}`);
  });
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
  return {
    child,
    base,
    cookie,
    exited,
    output: () => out,
    post: (path, body) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify(body),
      }),
    get: (path) => fetch(`${base}${path}`, { headers: { cookie } }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
