import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort, LocalServer } from './local-server';

/** A real Mosquitto for a test file. */
export interface TestBroker {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Where it came from: `MQTT_TEST_URL`, a Testcontainers container, or the local binary. */
  readonly source: 'env' | 'container' | 'local';
  /** Stops the broker (an outage); `start` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
  /** Stops it for good and removes its files. */
  close(): Promise<void>;
  /** What the broker logged (for failure messages). */
  log(): string;
}

export interface MosquittoOptions {
  /** user → password: authentication on, anonymous clients refused. */
  readonly users?: Readonly<Record<string, string>>;
  /** Contents of an ACL file (Mosquitto syntax); needs `users`. */
  readonly acl?: string;
  /** The test stops and starts the broker: a broker from `MQTT_TEST_URL` cannot be used. */
  readonly controllable?: boolean;
  /**
   * Keep sessions and queued messages across `stop`/`start` (saved at shutdown), so that a
   * persistent-session subscriber misses nothing during broker outages.
   */
  readonly persistence?: boolean;
}

const IMAGE = 'eclipse-mosquitto:2.0';

/**
 * A real Mosquitto, in this order: `MQTT_TEST_URL` (only for tests that need neither users
 * nor outages) → a Testcontainers `eclipse-mosquitto:2.0` container when a Docker engine is
 * reachable → the local `mosquitto` binary (Debian package `mosquitto`) on a free loopback
 * port with a generated config. A missing binary fails the test naming the package.
 */
export async function startMosquitto(options: MosquittoOptions = {}): Promise<TestBroker> {
  const envUrl = process.env.MQTT_TEST_URL;
  if (envUrl && !options.controllable && !options.users) return environmentBroker(envUrl);
  if (await dockerAvailable()) return containerBroker(options);
  return localBroker(options);
}

/**
 * A Mosquitto 2.0 password file line (`$7$`: PBKDF2-SHA512, 101 iterations — what
 * `mosquitto_passwd` writes), generated here so no extra binary is needed.
 */
export function passwordLine(user: string, password: string): string {
  const salt = randomBytes(12);
  const hash = pbkdf2Sync(password, salt, 101, 64, 'sha512');
  return `${user}:$7$101$${salt.toString('base64')}$${hash.toString('base64')}`;
}

function configText(
  listener: string,
  dir: string,
  dataDir: string,
  options: MosquittoOptions,
): string {
  const auth = options.users !== undefined;
  return [
    listener,
    `allow_anonymous ${auth ? 'false' : 'true'}`,
    ...(auth ? [`password_file ${dir}/passwd`] : []),
    ...(options.acl !== undefined ? [`acl_file ${dir}/acl`] : []),
    ...(options.persistence
      ? ['persistence true', `persistence_location ${dataDir}/`, 'max_queued_messages 100000']
      : ['persistence false']),
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    'log_type notice',
    'log_type information',
    '',
  ].join('\n');
}

function authFiles(options: MosquittoOptions): { name: string; content: string }[] {
  const files: { name: string; content: string }[] = [];
  if (options.users) {
    const lines = Object.entries(options.users).map(([u, p]) => passwordLine(u, p));
    files.push({ name: 'passwd', content: `${lines.join('\n')}\n` });
  }
  if (options.acl !== undefined) files.push({ name: 'acl', content: options.acl });
  return files;
}

async function localBroker(options: MosquittoOptions): Promise<TestBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'mosquitto-'));
  const port = await freePort();
  // Run as whoever runs the tests (as root, Mosquitto would otherwise switch to `mosquitto`
  // and lose access to the temp files).
  const config = `${configText(`listener ${port} 127.0.0.1`, dir, dir, options)}user ${userInfo().username}\n`;
  writeFileSync(join(dir, 'mosquitto.conf'), config);
  for (const file of authFiles(options)) {
    writeFileSync(join(dir, file.name), file.content, { mode: 0o600 });
  }
  const server = new LocalServer({
    command: mosquittoBinary(),
    args: ['-c', join(dir, 'mosquitto.conf')],
    aptPackage: 'mosquitto',
    isReady: () => portOpen('127.0.0.1', port),
  });
  await server.start();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    source: 'local',
    stop: () => server.stop(),
    start: () => server.start(),
    restart: () => server.restart(),
    close: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    log: () => server.log,
  };
}

async function containerBroker(options: MosquittoOptions): Promise<TestBroker> {
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
  const port = await freePort();
  const dir = '/mosquitto/config';
  const files = [
    {
      content: configText('listener 1883', dir, '/mosquitto/data', options),
      target: `${dir}/mosquitto.conf`,
    },
    // The image's entrypoint hands /mosquitto to its broker user before starting it.
    ...authFiles(options).map((f) => ({
      content: f.content,
      target: `${dir}/${f.name}`,
      mode: 0o700,
    })),
  ];
  // A fixed host port, so that the service reconnects to the same address after an outage.
  const container = await new GenericContainer(IMAGE)
    .withExposedPorts({ container: 1883, host: port })
    .withCopyContentToContainer(files)
    .withWaitStrategy(Wait.forLogMessage(/mosquitto version .* running/))
    .start();
  const host = container.getHost();
  // Stop and start the same container (its data volume, hence persistence, is kept).
  const client = (await getContainerRuntimeClient()).container;
  const handle = client.getById(container.getId());
  let running = true;
  const stop = async () => {
    if (running) await client.stop(handle, { timeout: 5 });
    running = false;
  };
  const start = async () => {
    if (!running) await client.start(handle);
    running = true;
    await waitForPort(host, port);
  };
  return {
    url: `mqtt://${host}:${port}`,
    host,
    port,
    source: 'container',
    stop,
    start,
    restart: async () => {
      await stop();
      await start();
    },
    close: async () => {
      await start();
      await container.stop();
    },
    log: () => `(container ${IMAGE}; see docker logs)`,
  };
}

function environmentBroker(url: string): TestBroker {
  const parsed = new URL(url);
  const refuse = () =>
    Promise.reject(new Error('MQTT_TEST_URL: this broker cannot be stopped by the tests'));
  return {
    url,
    host: parsed.hostname,
    port: Number(parsed.port || 1883),
    source: 'env',
    stop: refuse,
    start: refuse,
    restart: refuse,
    close: () => Promise.resolve(),
    log: () => `(external broker ${url})`,
  };
}

async function dockerAvailable(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    // No Docker engine (the usual case on these machines): use the local binary instead.
    return false;
  }
}

/** `mosquitto` from PATH, or Debian's /usr/sbin (often not on a normal user's PATH). */
function mosquittoBinary(): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin'];
  for (const d of dirs) {
    try {
      accessSync(join(d, 'mosquitto'), constants.X_OK);
      return join(d, 'mosquitto');
    } catch {
      // Not in this directory; try the next one.
    }
  }
  return 'mosquitto'; // spawning fails with "apt-get install mosquitto"
}

async function waitForPort(host: string, port: number): Promise<void> {
  const end = Date.now() + 15_000;
  while (!(await portOpen(host, port))) {
    if (Date.now() > end) throw new Error(`broker not listening on ${host}:${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
