// @ts-check

/**
 * @typedef {object} SuiteResult
 * @property {string} name
 * @property {string | null} skipped why the suite did not run (null when it ran)
 * @property {number} tried inputs sent (requests, frames, messages, connections, sign-ins)
 * @property {number} handled inputs answered as they must be (clear 4xx, refusal, close code)
 * @property {number} crashes service process died, or stopped answering `/api/health`
 * @property {number} stateChanges forbidden changes (valve, mode, setpoints, trips, alarms…)
 * @property {string} notable the suite's own headline figure
 * @property {Record<string, unknown>} figures everything measured, for the JSON
 * @property {Record<string, number>} counts outcomes by kind (status codes, error codes…)
 * @property {string[]} findings inputs not handled, crashes, state changes: one line each
 * @property {number} errorsLogged service log lines at level error during the suite
 * @property {number} durationS
 */

/** Most findings kept per suite (the count of the rest is noted). */
const MAX_FINDINGS = 40;

/** Counts one suite's outcomes; `result()` turns them into a `SuiteResult`. */
export class Tally {
  /** @param {string} name */
  constructor(name) {
    /** @readonly */
    this.name = name;
    this.tried = 0;
    this.handled = 0;
    this.crashes = 0;
    this.stateChanges = 0;
    /** @type {Record<string, number>} */
    this.counts = {};
    /** @type {Record<string, unknown>} */
    this.figures = {};
    /** @type {string[]} */
    this.findings = [];
    /** @private */
    this.droppedFindings = 0;
    this.errorsLogged = 0;
    /** Error lines in the service's log are findings (not where errors are the point). */
    this.errorsAreFindings = true;
  }

  /**
   * One input and whether it was handled; an unhandled one is a finding.
   * @param {boolean} handled
   * @param {string} [what] shown in the finding
   */
  input(handled, what = '') {
    this.tried += 1;
    if (handled) this.handled += 1;
    else this.finding(`not handled: ${what}`);
  }

  /**
   * @param {string} key
   * @param {number} [n]
   */
  count(key, n = 1) {
    this.counts[key] = (this.counts[key] ?? 0) + n;
  }

  /** @param {string} text */
  finding(text) {
    if (this.findings.length < MAX_FINDINGS) this.findings.push(text);
    else this.droppedFindings += 1;
  }

  /** @param {string} text */
  stateChange(text) {
    this.stateChanges += 1;
    this.finding(`STATE CHANGE: ${text}`);
  }

  /** @param {string} text */
  crash(text) {
    this.crashes += 1;
    this.finding(`CRASH: ${text}`);
  }

  /**
   * @param {string} notable
   * @param {number} durationS
   * @returns {SuiteResult}
   */
  result(notable, durationS) {
    return {
      name: this.name,
      skipped: null,
      tried: this.tried,
      handled: this.handled,
      crashes: this.crashes,
      stateChanges: this.stateChanges,
      notable,
      figures: this.figures,
      counts: this.counts,
      findings:
        this.droppedFindings > 0
          ? [...this.findings, `… and ${this.droppedFindings} more`]
          : this.findings,
      errorsLogged: this.errorsLogged,
      durationS,
    };
  }
}

/**
 * The result of a suite that did not run.
 * @param {string} name
 * @param {string} reason
 * @returns {SuiteResult}
 */
export function skippedResult(name, reason) {
  return {
    ...new Tally(name).result(`skipped: ${reason}`, 0),
    skipped: reason,
  };
}

/**
 * A figure as text for a headline: `?` when it was not measured.
 * @param {unknown} value
 * @returns {string}
 */
export function text(value) {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
      return String(value);
    case 'undefined':
      return '?';
    default:
      return value === null ? '?' : (JSON.stringify(value) ?? '?');
  }
}
