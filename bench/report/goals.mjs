// @ts-check
import { fmt, over } from './format-numbers.mjs';
import { formatBytes } from '../lib/rates.mjs';
import {
  fanoutReason,
  latencyReason,
  memoryReason,
  reactionReason,
  storageReason,
} from './goal-reasons.mjs';

/**
 * The goals, checked against one run's results. Targets are never adjusted here: a
 * miss is reported with how far off it is. Pure.
 */

/**
 * @typedef {object} Goal
 * @property {string} goal the target as the issue states it
 * @property {string} measured what this run measured
 * @property {boolean | null} met null when the run did not measure it
 * @property {string} [by] for a miss: by how much
 * @property {string} [why] for a miss: what the run's own figures say about the cause
 */

/** @typedef {import('./result-types.mjs').Distribution} Dist */
/** @typedef {import('./result-types.mjs').WindowRecord} WindowRecord */

const PAGE_LIMIT_BYTES = 150_000;
/** Issue 13 ("Footprint on a Pi"); was < 120 MB (issue 6). */
const RSS_LIMIT_MB = 90;
/** Issue 13: storage writes with every link up, decimal MB as the issue counts them. */
const STORAGE_LIMIT_BYTES_PER_DAY = 20_000_000;
const STARTUP_LIMIT_MS = 3_000;
const FANOUT_P99_LIMIT_MS = 50;

/**
 * @param {Pick<import('./result-types.mjs').BenchResults, 'windows' | 'serviceMemory' | 'reaction' | 'startup' | 'page'> & Partial<Pick<import('./result-types.mjs').BenchResults, 'storage'>>} results
 * @returns {Goal[]}
 */
export function evaluateGoals(results) {
  /** @param {string} system @param {number} periodMs @param {number} clients */
  const find = (system, periodMs, clients) =>
    results.windows.find(
      (w) => w.system === system && w.periodMs === periodMs && w.clients === clients,
    );
  /** @type {Goal[]} */
  const goals = [];

  const periods = [...new Set(results.windows.map((w) => w.periodMs))];
  for (const periodMs of periods) {
    const [cpWindow, relayWindow, redWindow] = ['cryopilot', 'relay', 'node-red'].map((s) =>
      find(s, periodMs, 20),
    );
    const goal = `sample→browser p99 at 20 clients (${periodMs} ms) ≤ bare relay p99 and ≤ ½ Node-RED p99`;
    const cp = cpWindow?.latencyMs.p99 ?? null;
    const relay = relayWindow?.latencyMs.p99 ?? null;
    const red = redWindow?.latencyMs.p99 ?? null;
    if (!cpWindow || !relayWindow || !redWindow || cp === null || relay === null || red === null) {
      goals.push({ goal, measured: 'not measured', met: null });
      continue;
    }
    const misses = [];
    if (cp > relay) misses.push(`${over(cp, relay, ' ms')} above the relay`);
    if (cp > red / 2) misses.push(`${over(cp, red / 2, ' ms')} above ½ Node-RED`);
    goals.push({
      goal,
      measured: `CryoPilot ${fmt(cp)}, relay ${fmt(relay)}, Node-RED ${fmt(red)}`,
      met: misses.length === 0,
      ...(misses.length
        ? {
            by: misses.join('; '),
            why: latencyReason({ cp: cpWindow, relay: relayWindow, red: redWindow }),
          }
        : {}),
    });
  }

  const fan = find('cryopilot', 100, 200);
  const idle = find('cryopilot', 100, 1);
  const fanGoal = '200 clients at 10 samples/s: p99 < 50 ms, loop jitter unaffected (reported)';
  if (!fan) {
    goals.push({ goal: fanGoal, measured: 'not measured', met: null });
  } else {
    const p99 = fan.latencyMs.p99 ?? Infinity;
    const jitter = (/** @type {WindowRecord | undefined} */ w) =>
      w
        ? `tick lateness p99 ${fmt(w.loopJitterMs.p99)} / max ${fmt(w.loopJitterMs.max)}, ` +
          `interval error p99 ${fmt(w.sampleIntervalDeviationMs.p99)} / max ` +
          `${fmt(w.sampleIntervalDeviationMs.max)} (while connecting: max ` +
          `${fmt(w.connectIntervalDeviationMs.max)})`
        : 'n/a';
    goals.push({
      goal: fanGoal,
      measured: `p99 ${fmt(p99)}; jitter at 200 clients: ${jitter(fan)}; at 1 client: ${jitter(idle)}`,
      met: p99 < FANOUT_P99_LIMIT_MS,
      ...(p99 < FANOUT_P99_LIMIT_MS
        ? {}
        : { by: over(p99, FANOUT_P99_LIMIT_MS, ' ms'), why: fanoutReason(fan) }),
    });
  }

  for (const r of results.reaction) {
    const limit = r.periodMs + 5;
    const worst = r.reactionMs.max;
    const goal = `reaction (threshold crossing → valve write) ≤ one period + 5 ms = ${limit} ms (${r.periodMs} ms)`;
    if (worst === null) {
      goals.push({
        goal,
        measured: `no trial completed (${r.failures.length} failed)`,
        met: false,
      });
      continue;
    }
    const met = worst <= limit && r.failures.length === 0;
    goals.push({
      goal,
      measured:
        `max ${fmt(worst)}, p50 ${fmt(r.reactionMs.p50)} over ${r.reactionMs.count} trials` +
        (r.failures.length ? `, ${r.failures.length} trials failed` : ''),
      met,
      ...(met
        ? {}
        : {
            by: worst > limit ? over(worst, limit, ' ms') : `${r.failures.length} trials failed`,
            why: reactionReason(r),
          }),
    });
  }

  const footprint = (/** @type {string} */ s) =>
    results.windows.find((w) => w.system === s && w.footprintWindow);
  const cpFootprint = footprint('cryopilot');
  const cpRss = cpFootprint?.usage.peakRssMb ?? null;
  const redRss = footprint('node-red')?.usage.peakRssMb ?? null;
  const rssGoal = `service peak RSS ≤ ${RSS_LIMIT_MB} MB and < Node-RED’s (20 clients, 100 ms)`;
  if (cpRss === null || !cpFootprint) {
    goals.push({ goal: rssGoal, measured: 'not measured', met: null });
  } else {
    const misses = [];
    if (cpRss > RSS_LIMIT_MB)
      misses.push(`${over(cpRss, RSS_LIMIT_MB, ' MB')} above ${RSS_LIMIT_MB} MB`);
    if (redRss !== null && cpRss >= redRss)
      misses.push(`${over(cpRss, redRss, ' MB')} above Node-RED`);
    goals.push({
      goal: rssGoal,
      measured: `CryoPilot ${fmt(cpRss, ' MB')}, Node-RED ${fmt(redRss, ' MB')}`,
      met: misses.length === 0 && redRss !== null,
      ...(misses.length
        ? { by: misses.join('; '), why: memoryReason(cpFootprint, results.serviceMemory) }
        : {}),
    });
  }

  goals.push(storageGoal(results.storage ?? []));

  const starts = results.startup?.cryopilot.map((s) => s.firstSampleMs) ?? [];
  if (starts.length === 0) {
    goals.push({ goal: 'start-up to first sample < 3 s', measured: 'not measured', met: null });
  } else {
    const worst = Math.max(...starts);
    goals.push({
      goal: 'start-up to first sample < 3 s',
      measured: `${starts.map((ms) => fmt(ms)).join(', ')} (${starts.length} starts)`,
      met: worst < STARTUP_LIMIT_MS,
      ...(worst < STARTUP_LIMIT_MS ? {} : { by: over(worst, STARTUP_LIMIT_MS, ' ms') }),
    });
  }

  goals.push(pageGoal(results.page));
  return goals;
}

/**
 * Storage writes of the service with every link up. Only CryoPilot has a target; the peers'
 * figures are reported alongside.
 * @param {import('./result-types.mjs').StorageRecord[]} storage
 * @returns {Goal}
 */
function storageGoal(storage) {
  const cp = storage.find((s) => s.system === 'cryopilot');
  const goal = `storage writes ≤ 20 MB/day with all links up (${cp?.periodMs ?? 500} ms, ${cp?.clients ?? 5} clients)`;
  if (!cp) return { goal, measured: 'not measured', met: null };
  if (cp.unmeasurable) return { goal, measured: `not measurable: ${cp.unmeasurable}`, met: null };
  const fsyncs = cp.strace ? `, ${fmt(cp.strace.fsyncsPerMin, '')} fsyncs/min` : '';
  const measured =
    `${formatBytes(cp.bytesPerDay)}/day (${formatBytes(cp.writeBytes)} in ${fmt(cp.windowS, ' s')})` +
    fsyncs;
  const met = cp.bytesPerDay <= STORAGE_LIMIT_BYTES_PER_DAY;
  return {
    goal,
    measured,
    met,
    ...(met
      ? {}
      : {
          by: over(cp.bytesPerDay / 1e6, STORAGE_LIMIT_BYTES_PER_DAY / 1e6, ' MB/day'),
          why: storageReason(cp),
        }),
  };
}

/**
 * The page's initial transfer: the bytes a first visit costs when measured — what the page
 * received plus what its service worker fetched on its own while installing — else the gzip
 * size computed here (labelled as such).
 * @param {import('./result-types.mjs').PageRecord | null} page
 * @returns {Goal}
 */
function pageGoal(page) {
  const goal = 'operator page initial transfer < 150 kB';
  const received = page?.transferredBytes ?? null;
  const worker = page?.serviceWorker ?? null;
  const wire = received === null ? null : received + (worker?.bytes ?? 0);
  const bytes = wire ?? page?.gzipBytes ?? null;
  if (bytes === null) return { goal, measured: 'not measured', met: null };
  if (wire !== null && page?.incomplete?.length) {
    // An undercount is no measurement: a page missing its main script loads nothing after it.
    return {
      goal,
      measured: `incomplete load (${(wire / 1000).toFixed(1)} kB received): ${page.incomplete.join('; ')}`,
      met: null,
    };
  }
  const measured =
    wire !== null
      ? (worker
          ? `${(wire / 1000).toFixed(1)} kB on a first visit: ` +
            `${((received ?? 0) / 1000).toFixed(1)} kB received by the page, ` +
            `${(worker.bytes / 1000).toFixed(1)} kB fetched by its service worker ` +
            `(${worker.requests} requests while it installed)`
          : `${(wire / 1000).toFixed(1)} kB received by Chromium (no service worker)`) +
        (page?.acceptEncoding ? ` (Accept-Encoding: ${page.acceptEncoding})` : '') +
        (page?.httpsEquivalent
          ? `; ${(page.httpsEquivalent.transferredBytes / 1000).toFixed(1)} kB with the ` +
            `Accept-Encoding of HTTPS (${page.httpsEquivalent.acceptEncoding})`
          : '')
      : `${(bytes / 1000).toFixed(1)} kB gzip computed from the build (not measured on the wire)`;
  return {
    goal,
    measured,
    met: bytes < PAGE_LIMIT_BYTES,
    ...(bytes < PAGE_LIMIT_BYTES ? {} : { by: over(bytes / 1000, PAGE_LIMIT_BYTES / 1000, ' kB') }),
  };
}
