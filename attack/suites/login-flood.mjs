// @ts-check
import { StateGuard } from '../lib/guard.mjs';
import { jsonRequest } from '../lib/http.mjs';
import { sleep } from '../lib/log.mjs';
import { sourceAddress } from '../lib/net.mjs';
import { runPool } from '../lib/pool.mjs';
import { Tally, text } from '../lib/tally.mjs';
import { underAttack } from '../lib/under-attack.mjs';
import { PASSWORD } from '../lib/users.mjs';

/** The spray: wrong passwords for made-up accounts from 254 addresses. */
const SPRAY_S = 15;
const SPRAY_WORKERS = 32;
/** The targeted flood: wrong passwords for `admin`, more than its failure budget (20). */
const TARGETED = 30;

/** @type {import('../lib/under-attack.mjs').Suite} */
export default {
  name: 'login-flood',
  summary: `wrong passwords from 254 loopback addresses for ${SPRAY_S} s (made-up accounts), then ${TARGETED} for \`admin\` from other addresses, while the process's RSS and the tick lateness are sampled; can the real admin still sign in?`,
  budgetS: 60,
  async run(ctx) {
    const tally = new Tally(this.name);
    const started = performance.now();
    await underAttack(ctx, tally, {}, async ({ service, observer, admin }) => {
      const target = service.target;
      const guard = new StateGuard(admin);
      await guard.begin();
      const before = await diagnostics(admin);
      const memoryBefore = service.memoryKb();
      let peakRssKb = memoryBefore.rss;
      let maxJitterMs = 0;
      let sampling = true;
      const sampler = (async () => {
        for (let i = 0; sampling; i++) {
          if (service.running) peakRssKb = Math.max(peakRssKb, service.memoryKb().rss);
          if (i % 10 === 0)
            maxJitterMs = Math.max(maxJitterMs, (await diagnostics(admin)).jitterMax);
          await sleep(100);
        }
      })();

      /**
       * @param {string} username
       * @param {string} password
       * @param {string} from
       */
      const attempt = async (username, password, from) => {
        const response = await jsonRequest(
          target,
          'POST',
          '/api/auth/login',
          { username, password },
          { from },
        );
        const message = String(response.json?.error?.message ?? '');
        const kind =
          response.status === 429
            ? /account/.test(message)
              ? '429 account locked'
              : '429 per-address limit'
            : response.status === 503
              ? '503 busy'
              : String(response.status || response.error);
        tally.count(`HTTP ${kind}`);
        const handled =
          [401, 429, 503].includes(response.status) &&
          typeof response.json?.error?.code === 'string';
        return { response, handled, kind };
      };

      // Spray, with the real admin signing in twice in the middle of it.
      const sprayFrom = Date.now();
      const sprayEnd = sprayFrom + SPRAY_S * 1000;
      let n = 0;
      /** @type {Promise<{ ok: boolean, tries: number, ms: number, statuses: number[] }>[]} */
      const adminProbes = [];
      const probeTimers = [2_000, 8_000].map((at, i) =>
        setTimeout(() => adminProbes.push(adminSignIn(target, sourceAddress(4, i))), at),
      );
      await runPool(
        Array.from({ length: SPRAY_WORKERS }, (_, i) => i),
        SPRAY_WORKERS,
        async () => {
          while (Date.now() < sprayEnd && !ctx.signal.aborted) {
            const i = n++;
            const { handled, kind, response } = await attempt(
              `user-${i % 997}`,
              `guess-${i}-${Math.random()}`,
              sourceAddress(2, i),
            );
            tally.input(handled, `spray sign-in → ${kind} ${response.text.slice(0, 120)}`);
          }
        },
      );
      probeTimers.forEach(clearTimeout);
      const sprayWindow = observer.window(sprayFrom);
      const probes = await Promise.all(adminProbes);

      // Targeted: `admin` from other addresses, past its failure budget.
      /** @type {Record<string, number>} */
      const targeted = {};
      await runPool(
        Array.from({ length: TARGETED }, (_, i) => i),
        4,
        async (i) => {
          const { handled, kind } = await attempt(
            'admin',
            `wrong-admin-${i}-password`,
            sourceAddress(3, i),
          );
          targeted[kind] = (targeted[kind] ?? 0) + 1;
          tally.input(handled, `targeted sign-in → ${kind}`);
        },
      );
      const lockedOut = await jsonRequest(
        target,
        'POST',
        '/api/auth/login',
        { username: 'admin', password: PASSWORD },
        { from: sourceAddress(4, 10) },
      );
      const viewerAfter = await jsonRequest(
        target,
        'POST',
        '/api/auth/login',
        { username: 'viewer', password: PASSWORD },
        { from: sourceAddress(4, 11) },
      );
      sampling = false;
      await sampler;
      const after = await diagnostics(admin);
      const memoryAfter = service.memoryKb();

      tally.figures.sprayAttempts = n;
      tally.figures.sprayPerSecond = Math.round(n / SPRAY_S);
      tally.figures.adminDuringSpray = probes.map((p) =>
        p.ok
          ? `signed in (${p.tries} tries, ${Math.round(p.ms)} ms)`
          : `refused ${p.statuses.join(',')}`,
      );
      tally.figures.targetedOutcomes = targeted;
      tally.figures.adminAfterTargeted = `${lockedOut.status}${lockedOut.headers['retry-after'] ? ` (Retry-After ${lockedOut.headers['retry-after']} s)` : ''}`;
      tally.figures.viewerAfterTargeted = viewerAfter.status;
      tally.figures.rssMb = {
        before: mb(memoryBefore.rss),
        peakSampled: mb(peakRssKb),
        peakVmHWM: mb(memoryAfter.peak),
        after: mb(memoryAfter.rss),
      };
      tally.figures.tickLateMaxMs = {
        before: before.jitterMax,
        withFlood: Math.max(maxJitterMs, after.jitterMax),
      };
      tally.figures.sampleGapDuringSprayMs = {
        max: sprayWindow.maxGapMs,
        samplesLateBy50Ms: sprayWindow.lateTicks,
      };
      if (!probes.every((p) => p.ok)) {
        tally.finding(
          `the real admin could not always sign in during the spray (5 tries a second apart each, at 2 s and 8 s): ${JSON.stringify(tally.figures.adminDuringSpray)}; 503 is the login gate's bound (2 checks running, 16 waiting)`,
        );
      }
      if (lockedOut.status === 429) {
        tally.finding(
          `after ${TARGETED} wrong passwords for admin from ${TARGETED} addresses the real admin is refused (429, Retry-After ${lockedOut.headers['retry-after']} s): the per-account failure budget (issue 16.6) works as designed, and anyone who can reach the page can lock the admin out this way`,
        );
      }
      const { changes } = await guard.end();
      for (const change of changes) tally.stateChange(change);
    });
    const rss = /** @type {{ peakVmHWM?: number, before?: number } | undefined} */ (
      tally.figures.rssMb
    );
    const late = /** @type {{ withFlood?: number } | undefined} */ (tally.figures.tickLateMaxMs);
    const during = /** @type {string[] | undefined} */ (tally.figures.adminDuringSpray) ?? [];
    const notable = `${text(tally.figures.sprayPerSecond)}/s wrong passwords: peak RSS ${rss?.peakVmHWM ?? '?'} MB (from ${rss?.before ?? '?'}), tick late max ${late?.withFlood ?? '?'} ms; admin in during flood: ${during.every((d) => d.startsWith('signed')) ? 'yes' : 'no'}; after ${TARGETED} targeted: ${text(tally.figures.adminAfterTargeted)}`;
    return tally.result(notable, (performance.now() - started) / 1000);
  },
};

/**
 * The real admin signs in as a person would: on 503 (too many sign-ins at once) tries again
 * after a second, five times at most.
 * @param {{ host: string, port: number }} target
 * @param {string} from
 */
async function adminSignIn(target, from) {
  const t0 = performance.now();
  /** @type {number[]} */
  const statuses = [];
  for (let tries = 1; tries <= 5; tries++) {
    const response = await jsonRequest(
      target,
      'POST',
      '/api/auth/login',
      { username: 'admin', password: PASSWORD },
      { from },
    );
    statuses.push(response.status);
    if (response.status === 200) return { ok: true, tries, ms: performance.now() - t0, statuses };
    if (response.status !== 503) break;
    await sleep(1000);
  }
  return { ok: false, tries: statuses.length, ms: performance.now() - t0, statuses };
}

/**
 * The loop's own lateness figures and RSS from `/api/diagnostics`.
 * @param {import('../lib/session.mjs').SessionClient} admin
 */
async function diagnostics(admin) {
  const body = (await admin.get('/api/diagnostics')).json;
  return {
    jitterMax: Math.round(body?.controlLoop?.jitterMs?.max ?? 0),
    rssMb: body?.process?.rssMb ?? null,
  };
}

/** @param {number} kb */
function mb(kb) {
  return Math.round(kb / 1024);
}
