// @ts-check
import { sleep } from '../lib/log.mjs';
import { sourceAddress } from '../lib/net.mjs';
import { runPool } from '../lib/pool.mjs';
import { login } from '../lib/session.mjs';
import { Tally, text } from '../lib/tally.mjs';
import { jitterOf, underAttack } from '../lib/under-attack.mjs';
import { burstUserNames, ROLE_USERS } from '../lib/users.mjs';
import { WsClient } from '../lib/ws.mjs';

/** The burst: 500 sockets, 10 per account (the default `http.maxSocketsPerUser`), 50 accounts. */
const SOCKETS = 500;
const PER_USER = 10;
/** Sockets past the cap, from one account already at it: each must be refused (429). */
const BEYOND_CAP = 10;
const QUIET_MS = 3000;
const HOLD_MS = 5000;

/** @type {import('../lib/under-attack.mjs').Suite} */
export default {
  name: 'ws-burst',
  summary: `right after a start, ${SOCKETS} operator-page WebSockets opened at once (${SOCKETS / PER_USER} accounts × ${PER_USER}, the per-user cap), held ${HOLD_MS / 1000} s, plus ${BEYOND_CAP} past the cap: tick lateness before, during and after, sockets accepted and refused`,
  budgetS: 110,
  async run(ctx) {
    const tally = new Tally(this.name);
    const started = performance.now();
    const usersFile = await ctx.usersWithViewers(SOCKETS / PER_USER - 3);
    ctx.log(`users ready after ${((performance.now() - started) / 1000).toFixed(0)} s`);
    await underAttack(ctx, tally, { usersFile }, async ({ service, observer, admin }) => {
      const target = service.target;
      const names = [
        ROLE_USERS.operator,
        ROLE_USERS.viewer,
        ...burstUserNames(SOCKETS / PER_USER - 3),
      ];
      /** @type {string[]} */
      const cookies = [admin.cookie];
      await runPool(names, 2, async (name, i) => {
        cookies[i + 1] = await login(target, name, { from: sourceAddress(6, Math.floor(i / 8)) });
      });
      await sleep(QUIET_MS);
      const diagBefore = await jitter(admin);

      const t0 = Date.now();
      tally.figures.burstSecondsAfterStart = Number(((t0 - service.readyAtMs) / 1000).toFixed(1));
      const opened = await Promise.all(
        Array.from({ length: SOCKETS }, (_, i) =>
          WsClient.open(target, {
            cookie: cookies[Math.floor(i / PER_USER)],
            from: sourceAddress(7, Math.floor(i / PER_USER)),
          }),
        ),
      );
      const tOpen = Date.now();
      const clients = opened.flatMap((o) => (o.client ? [o.client] : []));
      for (const o of opened) {
        tally.count(`burst upgrade ${o.status || o.error}`);
        tally.input(o.status === 101, `socket within the cap → ${o.status || o.error}`);
      }
      const snapshotDeadline = Date.now() + 20_000;
      while (
        clients.some((c) => c.snapshotAtMs === null && c.closeCode === null) &&
        Date.now() < snapshotDeadline
      )
        await sleep(50);
      const tSnap = Math.max(tOpen, ...clients.map((c) => c.snapshotAtMs ?? 0));
      const diagAfterBurst = await jitter(admin);

      // Past the cap: the viewer already holds 10.
      const beyond = await Promise.all(
        Array.from({ length: BEYOND_CAP }, () => WsClient.open(target, { cookie: cookies[2] })),
      );
      for (const o of beyond) {
        tally.count(`beyond cap upgrade ${o.status || o.error}`);
        tally.input(o.status === 429, `socket past the cap → ${o.status || o.error}`);
        await o.client?.close();
      }

      const holdFrom = Date.now();
      const samplesAtHold = clients.map((c) => c.samples);
      await sleep(HOLD_MS);
      const perSecond = clients
        .map((c, i) => ((c.samples - samplesAtHold[i]) * 1000) / (Date.now() - holdFrom))
        .sort((a, b) => a - b);
      const stillOpen = clients.filter((c) => c.closeCode === null).length;
      await Promise.all(clients.map((c) => c.close()));
      await sleep(1000);
      const diagAfter = await jitter(admin);

      const before = observer.window(t0 - QUIET_MS, t0);
      const during = observer.window(t0, tSnap + 1000);
      const after = observer.window(tSnap + 1000, holdFrom + HOLD_MS);
      tally.figures.accepted = clients.length;
      tally.figures.refused = SOCKETS - clients.length;
      tally.figures.allOpenMs = tOpen - t0;
      tally.figures.allSnapshotsMs = tSnap - t0;
      tally.figures.snapshotsMissing = clients.filter((c) => c.snapshotAtMs === null).length;
      tally.figures.stillOpenAfterHold = stillOpen;
      tally.figures.samplesPerSecondPerClient = {
        min: round1(perSecond[0] ?? 0),
        median: round1(perSecond[Math.floor(perSecond.length / 2)] ?? 0),
      };
      // The loop's own figure is a maximum since the start: the burst's is the rise.
      tally.figures.tickLateMaxMs = {
        startUpToBurst: diagBefore.max,
        withBurst: diagAfterBurst.max,
        atEnd: diagAfter.max,
        p99AtEnd: diagAfter.p99,
        ticks: diagAfter.ticks,
      };
      tally.figures.sampleGapMaxMs = {
        before: before.maxGapMs,
        during: during.maxGapMs,
        after: after.maxGapMs,
      };
      tally.figures.samplesLateBy50Ms = {
        before: before.lateTicks,
        during: during.lateTicks,
        after: after.lateTicks,
      };
      if (stillOpen < clients.length)
        tally.finding(`${clients.length - stillOpen} sockets were dropped while held`);
    });
    const late = /** @type {{ startUpToBurst?: number, withBurst?: number } | undefined} */ (
      tally.figures.tickLateMaxMs
    );
    const gap = /** @type {{ before?: number, during?: number, after?: number } | undefined} */ (
      tally.figures.sampleGapMaxMs
    );
    const notable =
      `${text(tally.figures.accepted)}/${SOCKETS} accepted in ${text(tally.figures.allOpenMs)} ms, ${tally.counts['beyond cap upgrade 429'] ?? 0}/${BEYOND_CAP} past the cap refused; ` +
      `tick late max ${late?.startUpToBurst ?? '?'} ms before, ${late?.withBurst ?? '?'} ms with the burst; sample gap before/during/after ${gap?.before ?? '?'}/${gap?.during ?? '?'}/${gap?.after ?? '?'} ms`;
    return tally.result(notable, (performance.now() - started) / 1000);
  },
};

/**
 * The loop's own tick-start lateness since the start (its last 1000 ticks are 100 s here).
 * @param {import('../lib/session.mjs').SessionClient} admin
 */
async function jitter(admin) {
  return jitterOf((await admin.get('/api/diagnostics')).json);
}

/** @param {number} x */
function round1(x) {
  return Math.round(x * 10) / 10;
}
