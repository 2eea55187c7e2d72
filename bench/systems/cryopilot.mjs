// @ts-check
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManagedProcess } from '../lib/managed-process.mjs';
import { freePort } from '../lib/net.mjs';
import { BENCH_DIR, SERVICE_DIR } from '../lib/paths.mjs';
import { MQTT_PASSWORD, MQTT_USER } from '../infra/mosquitto.mjs';
import { readMemoryDetail } from './memory-detail.mjs';

/** Password of the bench's admin user (loopback only, temporary data dir). */
const ADMIN_PASSWORD = 'bench-admin-password';

/**
 * The bench's config: the documented defaults, on loopback, with the O2 warm-up shortened to
 * 1 s so that the reaction scenario can open the valve right after a start (with the real 60 s
 * the channels read `warmup`, O2 is unavailable and every fill is refused).
 */
const BENCH_CONFIG_YAML = `# Written by the CryoPilot bench.
# The fan-out windows open their pages as one user.
http: { host: 127.0.0.1, maxSocketsPerUser: 1000 }
channels:
  - { id: o2_1, label: O2 sensor 1, role: o2, input: 1, unit: '%vol', range: { min: 0, max: 25 }, warmupS: 1 }
  - { id: o2_2, label: O2 sensor 2, role: o2, input: 2, unit: '%vol', range: { min: 0, max: 25 }, warmupS: 1 }
  - { id: ln2_level, label: LN2 level, role: level, input: 3, unit: '%', range: { min: 0, max: 100 }, warmupS: 0 }
`;

/**
 * How the service is started in the image (services/control/Dockerfile) and by `make run`; the
 * three are kept in step (test/service-start.test.mjs), so that the bench measures what ships.
 * A young generation of 2 × 2 MB instead of V8's default 2 × 16 MB (the heap's largest reserve,
 * left mostly empty by the service's small, short-lived allocations); V8 without its optimizing
 * compiler and in its smaller-memory mode (bench/README.md, "V8's tiers"), with `gc()` for the
 * one collection that ends start-up (src/app/release-start-up-memory.ts), and flushing code
 * that ran at start-up only sooner; and a fixed malloc
 * mmap threshold: glibc otherwise raises its threshold after the first argon2 hash (7 MiB;
 * 19 MiB before) is freed, and the next hashes, served from the pool threads' arenas, then stay
 * resident after every login.
 */
export const SERVICE_NODE_FLAGS = [
  '--max-semi-space-size=2',
  '--max-opt=1',
  '--optimize-for-size',
  '--expose-gc',
  '--flush-baseline-code',
  '--bytecode-old-age=1',
];
/** Environment of the same start (see SERVICE_NODE_FLAGS). */
export const SERVICE_ENV = { MALLOC_MMAP_THRESHOLD_: '131072' };
/**
 * The image's runtime settings that change what the process holds (its ENV; `make run`, for a
 * person at a terminal, logs text): JSON logs never load ICU (~6 MB file-backed and ~1.7 MB
 * anonymous; the text format's timestamps do).
 */
export const IMAGE_ENV = { NODE_ENV: 'production', LOG_FORMAT: 'json' };

/**
 * @typedef {object} ServiceOptions
 * @property {number} periodMs SAMPLE_PERIOD_MS
 * @property {string} mqttUrl external broker
 * @property {string} influxUrl telemetry target (VictoriaMetrics)
 * @property {string} workDir temp folder for config, data and probe output
 * @property {string} deviceId
 * @property {boolean} withProbe preload the register probe (reaction time)
 * @property {string[]} [nodeFlags] Node/V8 flags instead of SERVICE_NODE_FLAGS
 * @property {Record<string, string>} [env] environment instead of SERVICE_ENV
 * @property {boolean} [memoryProbe] preload the memory probe (default true; `memory()` needs it)
 * @property {string} [node] the Node binary (default: the harness's; `make bench` runs the
 *   image's, lib/image-node.mjs)
 */

/** The CryoPilot service (`services/control/dist/main.js`), started like on the Pi. */
export class CryoPilotService {
  /**
   * @param {ManagedProcess} proc
   * @param {number} port
   * @param {ServiceOptions} options
   * @param {string | null} probeFile
   * @param {string} memoryFile
   */
  constructor(proc, port, options, probeFile, memoryFile) {
    /** @readonly */
    this.process = proc;
    /** @readonly */
    this.port = port;
    /** @readonly */
    this.options = options;
    /** @readonly */
    this.probeFile = probeFile;
    /** Where the memory probe writes when asked (`readMemoryDetail`). @readonly */
    this.memoryFile = memoryFile;
    /** Session cookie header (`cryopilot_session=...`) once logged in. @type {string | null} */
    this.cookie = null;
  }

  /**
   * Spawns the service (does not wait for it: start-up time is measured from here).
   * @param {ServiceOptions} options
   * @returns {Promise<CryoPilotService>}
   */
  static async spawn(options) {
    const port = await freePort();
    const dataDir = join(options.workDir, `data-${options.deviceId}-${port}`);
    mkdirSync(dataDir, { recursive: true });
    const configFile = join(options.workDir, 'cryopilot-bench.yaml');
    writeFileSync(configFile, BENCH_CONFIG_YAML);
    const probeFile = options.withProbe ? join(options.workDir, `probe-${port}.jsonl`) : null;
    const memoryFile = join(options.workDir, `memory-${port}.jsonl`);
    const nodeArgs = [
      ...(options.nodeFlags ?? SERVICE_NODE_FLAGS),
      // Silent until asked (SIGWINCH), so it adds nothing to the figures it helps explain.
      ...(options.memoryProbe === false
        ? []
        : ['--import', join(BENCH_DIR, 'probes/memory-probe.mjs')]),
      ...(probeFile ? ['--import', join(BENCH_DIR, 'probes/register-probe.mjs')] : []),
    ];
    const proc = new ManagedProcess({
      name: `cryopilot(${options.periodMs} ms)`,
      command: options.node ?? process.execPath,
      args: [...nodeArgs, join(SERVICE_DIR, 'dist/main.js')],
      cwd: SERVICE_DIR,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...IMAGE_ENV,
        HARDWARE_DRIVER: 'simulated',
        SAMPLE_PERIOD_MS: String(options.periodMs),
        HTTP_PORT: String(port),
        MQTT_URL: options.mqttUrl,
        MQTT_USERNAME: MQTT_USER,
        MQTT_PASSWORD,
        INFLUX_URL: options.influxUrl,
        INFLUX_TOKEN: 'bench',
        INFLUX_ORG: 'cryopilot',
        INFLUX_BUCKET: 'cryopilot',
        DATA_DIR: dataDir,
        DEVICE_ID: options.deviceId,
        ADMIN_PASSWORD,
        CRYOPILOT_CONFIG: configFile,
        ...(options.env ?? SERVICE_ENV),
        BENCH_MEMORY_FILE: memoryFile,
        ...(probeFile ? { BENCH_PROBE_FILE: probeFile } : {}),
      },
    });
    return new CryoPilotService(proc, port, options, probeFile, memoryFile);
  }

  /** Base URL of the HTTP API. */
  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  /** WebSocket URL of the operator gateway. */
  get wsUrl() {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  /** MQTT telemetry topic of this instance. */
  get telemetryTopic() {
    return `cryopilot/${this.options.deviceId}/telemetry`;
  }

  /** Waits until `/api/health` answers (200 or 503: the process is serving). */
  async waitHttp() {
    await this.process.waitReady(async () => {
      const response = await fetch(`${this.url}/api/health`);
      return response.status === 200 || response.status === 503;
    });
  }

  /** Logs in as admin and keeps the session cookie. */
  async login() {
    const response = await fetch(`${this.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    if (!response.ok)
      throw new Error(`login failed: HTTP ${response.status} ${await response.text()}`);
    const setCookie = response.headers.get('set-cookie') ?? '';
    const match = /cryopilot_session=[^;]+/.exec(setCookie);
    if (!match) throw new Error(`login set no session cookie: ${setCookie}`);
    this.cookie = match[0];
  }

  /**
   * An authenticated JSON request; throws on a non-2xx answer unless `allowError`.
   * @param {'GET' | 'POST'} method
   * @param {string} path
   * @param {unknown} [body]
   * @param {{ allowError?: boolean }} [options]
   * @returns {Promise<{ status: number, body: unknown }>}
   */
  async request(method, path, body, options = {}) {
    if (!this.cookie) await this.login();
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { cookie: this.cookie ?? '', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : null;
    if (!response.ok && !options.allowError) {
      throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
    }
    return { status: response.status, body: parsed };
  }

  /**
   * Runs a command through the command bus (`POST /api/commands`).
   * @param {string} name
   * @param {Record<string, unknown>} args
   * @returns {Promise<{ ok: boolean, error?: { code: string, message: string } }>}
   */
  async command(name, args) {
    const { body } = await this.request(
      'POST',
      '/api/commands',
      { name, args },
      { allowError: true },
    );
    return /** @type {{ ok: boolean, error?: { code: string, message: string } }} */ (body);
  }

  /**
   * `GET /api/diagnostics` control-loop jitter: lateness of tick starts over the last 1000 ticks.
   * @returns {Promise<{ p50: number, p99: number, max: number, samples: number }>}
   */
  async loopJitter() {
    const { body } = await this.request('GET', '/api/diagnostics');
    const diagnostics = /** @type {{ controlLoop?: { jitterMs?: unknown } }} */ (body);
    const jitter = diagnostics.controlLoop?.jitterMs;
    if (!jitter || typeof jitter !== 'object')
      throw new Error('diagnostics without controlLoop.jitterMs');
    return /** @type {{ p50: number, p99: number, max: number, samples: number }} */ (jitter);
  }

  /** Where the service's memory is now (RSS split, V8 heap), from /proc and the memory probe. */
  memory() {
    return readMemoryDetail(this.process.pid, this.memoryFile);
  }

  async stop() {
    await this.process.stop();
  }
}
