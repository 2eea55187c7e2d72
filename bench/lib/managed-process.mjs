// @ts-check
import { spawn } from 'node:child_process';

/**
 * Child processes started by the harness: output kept for failure messages, a missing binary
 * named with the Debian package that provides it, and every process we started ended when the
 * harness exits (by its own pid, nothing else).
 */

/** @type {Set<import('node:child_process').ChildProcess>} */
const started = new Set();
process.once('exit', () => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
});
// Interrupted (Ctrl-C, a job runner's SIGTERM): exit through 'exit' so the children go too.
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => process.exit(130));
}

/**
 * @typedef {object} ProcessSpec
 * @property {string} name short label for logs and errors
 * @property {string} command executable name or path
 * @property {string[]} args
 * @property {NodeJS.ProcessEnv} [env] full environment (defaults to the harness's)
 * @property {string} [cwd]
 * @property {string} [aptPackage] Debian package that provides `command`
 */

/** A running child process. */
export class ManagedProcess {
  /** @param {ProcessSpec} spec */
  constructor(spec) {
    /** @readonly */
    this.spec = spec;
    /** Wall time of spawn (ms since epoch), the origin of start-up measurements. */
    this.spawnedAtMs = Date.now();
    /** @private */
    this.output = '';
    /** @readonly */
    this.child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.add(this.child);
    this.child.stdout?.on('data', (/** @type {Buffer} */ d) => this.append(d));
    this.child.stderr?.on('data', (/** @type {Buffer} */ d) => this.append(d));
    /** Rejects when the process cannot be started or exits; resolves never. */
    this.failed = new Promise((_, reject) => {
      this.child.once('error', (/** @type {NodeJS.ErrnoException} */ error) => {
        started.delete(this.child);
        reject(
          error.code === 'ENOENT'
            ? new Error(
                `${spec.command} not found` +
                  (spec.aptPackage ? `: install it with apt-get install ${spec.aptPackage}` : ''),
              )
            : error,
        );
      });
      this.child.once('exit', (code, signal) => {
        started.delete(this.child);
        reject(new Error(`${spec.name} exited (${signal ?? code}):\n${this.output.slice(-4000)}`));
      });
    });
    // Observed by whoever awaits readiness; a late rejection after a planned stop is expected.
    this.failed.catch(() => undefined);
  }

  /** @returns {number} */
  get pid() {
    if (this.child.pid === undefined) throw new Error(`${this.spec.name} has no pid (not started)`);
    return this.child.pid;
  }

  /** @returns {boolean} */
  get running() {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last output of the process (stdout and stderr interleaved). */
  get log() {
    return this.output;
  }

  /**
   * Waits until `isReady()` resolves true, failing early if the process dies.
   * @param {() => Promise<boolean>} isReady
   * @param {number} [timeoutMs]
   */
  async waitReady(isReady, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    const poll = async () => {
      while (Date.now() < deadline) {
        if (await isReady().catch(() => false)) return;
        await sleep(25);
      }
      throw new Error(
        `${this.spec.name} not ready after ${timeoutMs} ms:\n${this.output.slice(-4000)}`,
      );
    };
    await Promise.race([poll(), this.failed]);
  }

  /**
   * SIGTERM, then SIGKILL after `graceMs`.
   * @param {number} [graceMs]
   */
  async stop(graceMs = 5_000) {
    if (!this.running) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /**
   * @private
   * @param {Buffer} data
   */
  append(data) {
    this.output = (this.output + data.toString()).slice(-50_000);
  }
}

/** @param {number} ms */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
