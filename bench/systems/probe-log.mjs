// @ts-check
import { existsSync, readFileSync } from 'node:fs';
import { sleep } from '../lib/managed-process.mjs';

/**
 * The events written by `probes/register-probe.mjs` inside the service, read back by the harness.
 */

/**
 * @typedef {{ kind: 'valve', fraction: number, hrNs: bigint, inputReadHrNs: bigint | null, wallMs: number }
 *   | { kind: 'scenario', name: string, hrNs: bigint, wallMs: number }
 *   | { kind: 'probe-loaded', hrNs: bigint, wallMs: number }} ProbeEvent
 */

/**
 * Parses the probe's JSON lines (a trailing partial line is left for the next read).
 * @param {string} text
 * @returns {ProbeEvent[]}
 */
export function parseProbeLines(text) {
  const lines = text.split('\n');
  lines.pop(); // complete lines end with '\n'; what follows the last one may be half-written
  return lines.filter(Boolean).map((line) => {
    const raw = /** @type {Record<string, unknown>} */ (JSON.parse(line));
    if (typeof raw.hrNs !== 'string') throw new Error(`probe line without hrNs: ${line}`);
    const inputReadHrNs = typeof raw.inputReadHrNs === 'string' ? BigInt(raw.inputReadHrNs) : null;
    return /** @type {ProbeEvent} */ ({ ...raw, hrNs: BigInt(raw.hrNs), inputReadHrNs });
  });
}

export class ProbeLog {
  /** @param {string} file */
  constructor(file) {
    /** @private */ this.file = file;
    /** @type {ProbeEvent[]} */ this.events = [];
  }

  /** Re-reads the file. */
  refresh() {
    if (existsSync(this.file)) this.events = parseProbeLines(readFileSync(this.file, 'utf8'));
  }

  /**
   * The first event from index `from` on that matches, polling until `timeoutMs`.
   * @template {ProbeEvent} E
   * @param {(event: ProbeEvent) => event is E} match
   * @param {number} from
   * @param {number} timeoutMs
   * @returns {Promise<E>}
   */
  async waitFor(match, from, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.refresh();
      const found = this.events.slice(from).find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`probe: no matching event within ${timeoutMs} ms`);
      await sleep(5);
    }
  }
}

/** @param {ProbeEvent} e @returns {e is Extract<ProbeEvent, { kind: 'valve' }>} */
export const isValveEvent = (e) => e.kind === 'valve';
