// @ts-check
import { HealthWatch } from './health-watch.mjs';
import { TickObserver } from './observer.mjs';
import { AttackService } from './service.mjs';
import { login, sessionClient } from './session.mjs';

/**
 * @typedef {object} SuiteContext
 * @property {string} workDir a fresh folder of this run
 * @property {string} usersFile users.json with admin, operator and viewer
 * @property {(extraViewers: number) => Promise<string>} usersWithViewers the same plus that many
 *   viewers named `burst01`… (made once per count, with the users CLI: ~0.7 s each)
 * @property {AbortSignal} signal aborted when the suite's time is up: loops stop early
 * @property {(line: string) => void} log
 */

/**
 * @typedef {object} Attacked
 * @property {AttackService} service
 * @property {HealthWatch} watch
 * @property {TickObserver} observer
 * @property {import('./session.mjs').SessionClient} admin signed in from 127.0.0.1 (a suite
 *   that restarts the service puts a new session here)
 */

/**
 * Runs `body` against a fresh service (its own data directory, ports and limits), watching
 * it: an unexpected exit, a health outage or a missing answer at the end is a crash in `tally`;
 * error lines of its log are counted. The service is stopped (SIGTERM) afterwards.
 * @template T
 * @param {SuiteContext} ctx
 * @param {import('./tally.mjs').Tally} tally
 * @param {Partial<import('./service.mjs').ServiceOptions>} options
 * @param {(attacked: Attacked) => Promise<T>} body
 * @returns {Promise<T>}
 */
export async function underAttack(ctx, tally, options, body) {
  const service = await AttackService.start({
    name: tally.name,
    workDir: ctx.workDir,
    usersFile: ctx.usersFile,
    ...options,
  });
  const watch = new HealthWatch(service).start();
  const rssAtStartKb = service.memoryKb().rss;
  /** @type {Attacked | null} */
  let attacked = null;
  try {
    const observer = await TickObserver.start(service);
    const admin = sessionClient(service.target, await login(service.target, 'admin'));
    attacked = { service, watch, observer, admin };
    return await body(attacked);
  } finally {
    await watch.stop();
    const answers = service.running && (await service.answers(5000));
    for (const exit of service.unexpectedExits) {
      tally.crash(
        `service exited (${exit.signal ?? `code ${exit.code}`}) while attacked:\n${service.tail(1500)}`,
      );
    }
    if (watch.outages > 0) tally.crash(`/api/health did not answer for ≥ 3 s (${watch.outages}×)`);
    if (service.running && !answers) tally.crash('/api/health did not answer at the end');
    tally.errorsLogged += service.errorCount;
    if (service.errorCount > 0) tally.figures.serviceErrorLines = service.errorLines().slice(0, 8);
    if (tally.errorsAreFindings) {
      for (const line of new Set(service.errorLines()))
        tally.finding(`the service logged an error: ${line}`);
    }
    tally.figures.slowestHealthMs = Math.round(watch.slowestMs);
    if (answers && attacked) {
      const all = attacked.observer.window(service.readyAtMs);
      const diagnostics = await attacked.admin.get('/api/diagnostics');
      const loop = diagnostics.status === 200 ? jitterOf(diagnostics.json) : null;
      tally.figures.tickLateness = {
        serviceMaxMs: loop?.max ?? null,
        serviceP99Ms: loop?.p99 ?? null,
        observedMaxSampleGapMs: all.maxGapMs,
        samples: all.samples,
        missingSamples: all.missing,
      };
    }
    if (service.running) {
      const memory = service.memoryKb();
      tally.figures.serviceRssMb = {
        atStart: Math.round(rssAtStartKb / 1024),
        peak: Math.round(memory.peak / 1024),
      };
    }
    await attacked?.observer.stop();
    const exit = await service.stop();
    // Nest re-raises SIGTERM after its shutdown hooks: that, or code 0, is a clean stop.
    if (exit?.expected && exit.code !== 0 && exit.signal !== 'SIGTERM') {
      tally.finding(`after SIGTERM the service exited with ${exit.signal ?? `code ${exit.code}`}`);
    }
  }
}

/**
 * `controlLoop.jitterMs` of a diagnostics body (the loop's own tick-start lateness over its last
 * 1000 ticks: 100 s at 100 ms), rounded.
 * @param {any} diagnostics
 */
export function jitterOf(diagnostics) {
  const j = diagnostics?.controlLoop?.jitterMs ?? {};
  return { max: Math.round(j.max ?? 0), p99: Math.round(j.p99 ?? 0), ticks: j.samples ?? 0 };
}

/**
 * @typedef {object} Suite
 * @property {string} name
 * @property {string} summary one line for the report
 * @property {number} budgetS the most it may take; it is aborted (a finding) beyond
 * @property {(ctx: SuiteContext) => Promise<import('./tally.mjs').SuiteResult>} run
 */

/**
 * Waits until the valve could be opened by hand (manual mode, O2 out of warm-up, no
 * interlock): the state in which a wrongly accepted `valve.open` would show.
 * @param {import('./session.mjs').SessionClient} admin
 * @param {number} [timeoutMs]
 */
export async function manualModeOpenable(admin, timeoutMs = 15_000) {
  const set = await admin.command('mode.set', { mode: 'manual' });
  if (set.status !== 200) throw new Error(`mode.set manual: ${set.status} ${set.text}`);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const state = await admin.get('/api/state');
    if (state.json?.valve?.manualOpen?.allowed === true) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}
