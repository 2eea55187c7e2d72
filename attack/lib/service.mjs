// @ts-check
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from './http.mjs';
import { sleep } from './log.mjs';
import { freePort, HOME_ADDRESS } from './net.mjs';
import { SERVICE_DIR, SERVICE_MAIN } from './paths.mjs';
import { installUsers, PASSWORD } from './users.mjs';

/** Device id of every attacked service: topics are `cryopilot/attack/…`. */
export const DEVICE_ID = 'attack';
/** Sample period of every attacked service (ms), as in the service's process tests. */
export const PERIOD_MS = 100;

/**
 * The attacked service's config: documented defaults on loopback (page, API and embedded broker
 * on 127.0.0.1), 100 ms samples, and the O2 warm-up shortened to 1 s so that a manual open is
 * possible at once (with the real 60 s the valve is inhibited and a wrongly accepted
 * `valve.open` could not show). JSON is YAML: `extra` is merged in, one level deep.
 * @param {Record<string, any>} extra
 */
export function attackConfig(extra = {}) {
  const o2 = (/** @type {number} */ n) => ({
    id: `o2_${n}`,
    label: `O2 sensor ${n}`,
    role: 'o2',
    input: n,
    unit: '%vol',
    range: { min: 0, max: 25 },
    warmupS: 1,
  });
  /** @type {Record<string, any>} */
  const base = {
    deviceId: DEVICE_ID,
    samplePeriodMs: PERIOD_MS,
    http: { host: HOME_ADDRESS },
    mqtt: { embeddedHost: HOME_ADDRESS },
    channels: [
      o2(1),
      o2(2),
      {
        id: 'ln2_level',
        label: 'LN2 level',
        role: 'level',
        input: 3,
        unit: '%',
        range: { min: 0, max: 100 },
        warmupS: 0,
      },
    ],
  };
  for (const [key, value] of Object.entries(extra)) {
    base[key] =
      typeof value === 'object' && value !== null && !Array.isArray(value)
        ? { ...(base[key] ?? {}), ...value }
        : value;
  }
  return base;
}

/** Every service this run started, ended (SIGKILL) if the harness exits first. */
/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();
process.once('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => process.exit(130));
}

/**
 * @typedef {object} ServiceOptions
 * @property {string} name label in logs
 * @property {string} workDir a folder of this run (config and, unless `dataDir`, data go here)
 * @property {string} usersFile users.json copied into the data directory before the start
 * @property {string} [dataDir] the data directory (e.g. on a small tmpfs)
 * @property {Record<string, any>} [config] merged into `attackConfig()`
 */

/** The built service (`services/control/dist/main.js`) as a child process, simulated HAT. */
export class AttackService {
  /**
   * @param {ServiceOptions} options
   * @param {number} port
   * @param {number} mqttPort
   * @param {string} dataDir
   */
  constructor(options, port, mqttPort, dataDir) {
    /** @readonly */
    this.options = options;
    /** @readonly */
    this.target = { host: HOME_ADDRESS, port };
    /** @readonly */
    this.mqttPort = mqttPort;
    /** @readonly */
    this.dataDir = dataDir;
    /** @readonly */
    this.configFile = join(options.workDir, `${options.name}-config.yaml`);
    /** @private */
    this.output = '';
    /** The unfinished last line of stdout and of stderr. @private */
    this.partial = { out: '', err: '' };
    /** Error and fatal log lines, in order. @type {string[]} @private */
    this.errors = [];
    /** Set by `stop()`: an exit after it is expected. @private */
    this.stopping = false;
    /** @type {import('node:child_process').ChildProcess | null} @private */
    this.child = null;
    /** @type {{ code: number | null, signal: string | null, expected: boolean }[]} */
    this.exits = [];
    /** When the last start was spawned and when it was ready (ms since epoch). */
    this.spawnedAtMs = 0;
    this.readyAtMs = 0;
  }

  /**
   * Writes the config, copies the users and starts the service; resolves once the control
   * loop runs and `/api/health` answers.
   * @param {ServiceOptions} options
   */
  static async start(options) {
    if (!existsSync(SERVICE_MAIN)) {
      throw new Error(`${SERVICE_MAIN} is missing: run \`make build\` first`);
    }
    const dataDir = options.dataDir ?? join(options.workDir, `${options.name}-data`);
    installUsers(options.usersFile, dataDir);
    const service = new AttackService(options, await freePort(), await freePort(), dataDir);
    mkdirSync(options.workDir, { recursive: true });
    writeFileSync(service.configFile, JSON.stringify(attackConfig(options.config), null, 2));
    await service.spawn();
    return service;
  }

  /** Starts (again, after `stop()`) on the same ports and data directory. */
  async spawn() {
    this.stopping = false;
    this.spawnedAtMs = Date.now();
    const started = this.output.length;
    const child = spawn(process.execPath, [SERVICE_MAIN], {
      cwd: SERVICE_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: 'production',
        LOG_FORMAT: 'json',
        CRYOPILOT_CONFIG: this.configFile,
        DATA_DIR: this.dataDir,
        HTTP_PORT: String(this.target.port),
        HARDWARE_DRIVER: 'simulated',
        ADMIN_PASSWORD: PASSWORD,
        MQTT_URL: '',
        MQTT_EMBEDDED_PORT: String(this.mqttPort),
        INFLUX_URL: '',
      },
    });
    this.child = child;
    children.add(child);
    child.stdout?.on('data', (/** @type {Buffer} */ d) => this.append(d, 'out'));
    child.stderr?.on('data', (/** @type {Buffer} */ d) => this.append(d, 'err'));
    child.once('exit', (code, signal) => {
      children.delete(child);
      this.exits.push({ code, signal, expected: this.stopping });
    });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (!this.running)
        throw new Error(`${this.options.name}: service exited at start-up:\n${this.tail()}`);
      if (this.output.slice(started).includes('control loop running') && (await this.answers())) {
        this.readyAtMs = Date.now();
        return;
      }
      await sleep(50);
    }
    throw new Error(`${this.options.name}: service not up after 30 s:\n${this.tail()}`);
  }

  get pid() {
    if (!this.child?.pid) throw new Error('service not started');
    return this.child.pid;
  }

  get running() {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Exits nobody asked for (crashes, a supervisor kill). */
  get unexpectedExits() {
    return this.exits.filter((e) => !e.expected);
  }

  /** Whether `/api/health` answers (any status) within `timeoutMs`. */
  async answers(timeoutMs = 3_000) {
    const response = await request(this.target, { path: '/api/health', timeoutMs });
    return response.status > 0;
  }

  /**
   * Service log lines at level error or fatal (the log is JSON lines), from the `since`-th on
   * (`errorCount` before a phase).
   * @param {number} [since]
   * @returns {string[]}
   */
  errorLines(since = 0) {
    return this.errors.slice(since);
  }

  get errorCount() {
    return this.errors.length;
  }

  /** The last lines of the service's output, for error messages. */
  tail(chars = 4000) {
    return this.output.slice(-chars);
  }

  /** The embedded broker's generated accounts. */
  mqttUsers() {
    /** @type {{ service: { username: string, password: string }, reader: { username: string, password: string } }} */
    const users = JSON.parse(readFileSync(join(this.dataDir, 'mqtt-embedded-users.json'), 'utf8'));
    return users;
  }

  /** Resident set (VmRSS) and its peak (VmHWM) of the service process, kB. */
  memoryKb() {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = (/** @type {string} */ key) =>
      Number(new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  }

  /**
   * SIGTERM, SIGKILL after `graceMs`; the exit's code and signal.
   * @param {number} [graceMs]
   */
  async stop(graceMs = 10_000) {
    const child = this.child;
    if (!child || !this.running) return this.exits.at(-1) ?? null;
    this.stopping = true;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
    return this.exits.at(-1) ?? null;
  }

  /**
   * @private
   * @param {Buffer} data
   * @param {'out' | 'err'} stream
   */
  append(data, stream) {
    const text = data.toString();
    this.output += text;
    if (this.output.length > 400_000) this.output = this.output.slice(-200_000);
    const lines = (this.partial[stream] + text).split('\n');
    this.partial[stream] = lines.pop() ?? '';
    for (const line of lines) {
      if (!/"level":"(error|fatal)"/.test(line)) continue;
      try {
        const entry = JSON.parse(line);
        const stack = Array.isArray(entry.stack) ? entry.stack[0] : entry.stack;
        const cause = typeof stack === 'string' ? ` — ${stack.split('\n')[0]}` : '';
        this.errors.push(
          `${entry.context ?? '?'}: ${String(entry.message).slice(0, 300)}${cause.slice(0, 300)}`,
        );
      } catch {
        // Not a JSON line after all (interleaved output): kept raw.
        this.errors.push(line.slice(0, 300));
      }
    }
  }
}
