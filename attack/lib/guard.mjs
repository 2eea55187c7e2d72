// @ts-check
import { fingerprint, fingerprintChanges } from './state.mjs';

/**
 * Watches what must not change during a phase of invalid or unauthorised input: the state
 * fingerprint (`lib/state.mjs`) before and after, and the audit's accepted commands in between.
 */
export class StateGuard {
  /** @param {import('./session.mjs').SessionClient} admin */
  constructor(admin) {
    /** @private */
    this.admin = admin;
    /** @type {import('./state.mjs').Fingerprint | null} @private */
    this.before = null;
    /** @private */
    this.sinceIso = '';
  }

  /** The current `GET /api/state` body. */
  async snapshot() {
    const response = await this.admin.get('/api/state');
    if (response.status !== 200)
      throw new Error(`GET /api/state: ${response.status} ${response.text}`);
    return response.json;
  }

  /** Takes the "before" fingerprint. */
  async begin() {
    this.before = fingerprint(await this.snapshot());
    this.sinceIso = new Date().toISOString();
  }

  /**
   * What changed since `begin()`, and the commands the audit shows accepted since then (at
   * most the newest 1000 records are searched).
   * @returns {Promise<{ changes: string[], accepted: any[] }>}
   */
  async end() {
    if (!this.before) throw new Error('StateGuard.end() before begin()');
    const changes = fingerprintChanges(this.before, fingerprint(await this.snapshot()));
    const audit = await this.admin.get('/api/audit?limit=1000');
    const records = Array.isArray(audit.json) ? audit.json : (audit.json?.records ?? []);
    const accepted = records.filter(
      (/** @type {any} */ r) => r.ok === true && typeof r.ts === 'string' && r.ts >= this.sinceIso,
    );
    return { changes, accepted };
  }
}
