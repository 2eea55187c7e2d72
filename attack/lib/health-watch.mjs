// @ts-check
import { request } from './http.mjs';

/**
 * Asks `/api/health` once a second (from 127.0.0.1) while a suite attacks the service. An
 * outage is three or more answers missing in a row (3 s timeout each): the service stopped
 * answering even if its process lives. Answers under load are slow, not missing.
 */
export class HealthWatch {
  /** @param {import('./service.mjs').AttackService} service */
  constructor(service) {
    /** @private */
    this.service = service;
    /** @private */
    this.misses = 0;
    /** Outages seen (each a run of ≥ 3 missing answers). */
    this.outages = 0;
    /** Slowest answer (ms). */
    this.slowestMs = 0;
    /** Answers with status 503 (loop or hardware down). */
    this.down = 0;
    /** While true (a planned restart) nothing is asked. */
    this.paused = false;
    /** @private */
    this.running = false;
    /** @type {Promise<void> | null} @private */
    this.loop = null;
  }

  start() {
    this.running = true;
    this.loop = this.poll();
    return this;
  }

  async stop() {
    this.running = false;
    await this.loop;
  }

  /** @private */
  async poll() {
    while (this.running) {
      const started = Date.now();
      if (this.paused || !this.service.running) {
        this.misses = 0;
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      const response = await request(this.service.target, { path: '/api/health', timeoutMs: 3000 });
      if (response.status === 0) {
        this.misses += 1;
        if (this.misses === 3) this.outages += 1;
      } else {
        this.misses = 0;
        this.slowestMs = Math.max(this.slowestMs, response.ms);
        if (response.status === 503) this.down += 1;
      }
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, 1000 - (Date.now() - started))),
      );
    }
  }
}
