import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import { ContainerServer } from './container-server';
import { reportServer, serverMode, testImage } from './engine';
import { stopGracefully } from './graceful-stop';
import { freePort, LocalServer } from './local-server';

/**
 * Mosquitto saves its persistence file (sessions, queued messages) when it exits on SIGTERM;
 * killed, it loses them and a test would blame the service.
 */
const STOP_GRACE_MS = 5000;

/** A real Mosquitto for a test file. */
export interface TestBroker {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** What it is: `url` (`MQTT_TEST_URL`), `container:<image>` or `binary:<path>`. */
  readonly kind: string;
  /** Stops the broker (an outage); `start` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
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
  /**
   * A ready-made password file (e.g. written by `mosquitto_passwd` through a project script),
   * used as is instead of one generated from `users`; authentication on.
   */
  readonly passwordFile?: string;
  /**
   * Configuration appended as is (e.g. a rendered bridge, test/fleet), or made from the folder
   * the broker reads its config files from (the binary's temp folder or the container's).
   */
  readonly extraConfig?: string | ((configDir: string) => string);
  /** More files beside the config (certificates, a CRL), mode 0600. */
  readonly extraFiles?: readonly { name: string; content: string }[];
}

/**
 * The Mosquitto image: `MOSQUITTO_TEST_IMAGE` (.ci/run: the local Debian stand-in), else the
 * one docker-compose.yml pins (eclipse-mosquitto, pulled where a registry is reachable).
 */
export const mosquittoImage = (): string => testImage('MOSQUITTO_TEST_IMAGE', 'mosquitto');

/**
 * A real Mosquitto, in this order: `MQTT_TEST_URL` (only for tests that need neither users
 * nor outages) → a Testcontainers container of {@link mosquittoImage} on the host network when
 * a container engine answers → the local `mosquitto` binary (Debian package `mosquitto`), both
 * on a free loopback port with a generated config. The choice is reported for every test file.
 */
export async function startMosquitto(options: MosquittoOptions = {}): Promise<TestBroker> {
  const envUrl = process.env.MQTT_TEST_URL;
  let broker: TestBroker;
  const own = options.controllable || options.users || options.passwordFile || options.extraConfig;
  if (envUrl && !own) broker = environmentBroker(envUrl);
  else if ((await serverMode('mosquitto')) === 'container') broker = await containerBroker(options);
  else broker = await localBroker(options);
  reportServer('mosquitto', broker.kind);
  return broker;
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
  const auth = options.users !== undefined || options.passwordFile !== undefined;
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
    ...(typeof options.extraConfig === 'function' ? [options.extraConfig(dir)] : []),
    ...(typeof options.extraConfig === 'string' ? [options.extraConfig] : []),
    '',
  ].join('\n');
}

function authFiles(options: MosquittoOptions): { name: string; content: string }[] {
  const files: { name: string; content: string }[] = [];
  if (options.passwordFile !== undefined) {
    files.push({ name: 'passwd', content: options.passwordFile });
  } else if (options.users) {
    const lines = Object.entries(options.users).map(([u, p]) => passwordLine(u, p));
    files.push({ name: 'passwd', content: `${lines.join('\n')}\n` });
  }
  if (options.acl !== undefined) files.push({ name: 'acl', content: options.acl });
  return [...files, ...(options.extraFiles ?? [])];
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
  const binary = mosquittoBinary();
  const server = new LocalServer({
    command: binary,
    args: ['-c', join(dir, 'mosquitto.conf')],
    aptPackage: 'mosquitto',
    isReady: () => portOpen('127.0.0.1', port),
    stopGraceMs: STOP_GRACE_MS,
  });
  await server.start();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    kind: `binary:${binary}`,
    ...outages(server),
    close: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    log: () => server.log,
  };
}

async function containerBroker(options: MosquittoOptions): Promise<TestBroker> {
  const port = await freePort();
  const dir = '/mosquitto/config';
  const server = new ContainerServer({
    what: 'mosquitto',
    image: mosquittoImage(),
    files: [
      {
        content: configText(`listener ${port} 127.0.0.1`, dir, '/mosquitto/data', options),
        target: `${dir}/mosquitto.conf`,
      },
      // The image's entrypoint hands /mosquitto to its broker user (uid 1883) before the
      // broker starts as root and drops to that user.
      ...authFiles(options).map((f) => ({
        content: f.content,
        target: `${dir}/${f.name}`,
        mode: 0o600,
      })),
    ],
    isReady: () => portOpen('127.0.0.1', port),
    stopGraceMs: STOP_GRACE_MS,
  });
  await server.start();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    kind: server.kind,
    ...outages(server),
    close: () => server.close(),
    log: () => server.log,
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
    kind: 'url',
    stop: refuse,
    start: refuse,
    close: () => Promise.resolve(),
    log: () => `(external broker ${url})`,
  };
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

/** Outages of a broker the test owns; a stop must end in a clean exit. */
function outages(server: LocalServer | ContainerServer): Pick<TestBroker, 'stop' | 'start'> {
  return {
    stop: () => stopGracefully('mosquitto', server),
    start: () => server.start(),
  };
}
