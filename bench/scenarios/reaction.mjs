// @ts-check
import { sleep } from '../lib/managed-process.mjs';
import { roundDistribution, summarize } from '../lib/percentiles.mjs';
import { isValveEvent, ProbeLog } from '../systems/probe-log.mjs';

/**
 * Reaction time: threshold crossing → valve output write, at the simulated card's registers.
 *
 * Each trial opens the valve by hand (manual mode), waits a random part of a sample period
 * (so the crossing falls anywhere between two acquisitions, as in reality), then drops O2 at
 * sensor 1 to 15 %vol — below the 18 %vol low-low interlock — in one step through
 * `/api/sim/scenario`. The probe in the service timestamps the step (the crossing) and the
 * write that closes the valve in the card's registers, on the same monotonic clock. Expected:
 * up to one period of waiting for the next acquisition plus the loop's own processing.
 */

const DROP_TO_PCT = 15;

/**
 * @param {{ service: import('../systems/cryopilot.mjs').CryoPilotService, trials: number, log: (line: string) => void }} context
 * @returns {Promise<import('../report/result-types.mjs').ReactionRecord>}
 */
export async function runReaction({ service, trials, log }) {
  if (!service.probeFile) throw new Error('reaction needs the service started with the probe');
  const periodMs = service.options.periodMs;
  const probe = new ProbeLog(service.probeFile);
  const manual = await service.command('mode.set', { mode: 'manual' });
  if (!manual.ok) throw new Error(`mode.set manual refused: ${JSON.stringify(manual.error)}`);
  /** @type {{ totalMs: number, waitMs: number | null, processingMs: number | null }[]} */
  const reactions = [];
  const failures = [];
  log(`  reaction @ ${periodMs} ms: ${trials} trials`);
  for (let trial = 0; trial < trials; trial++) {
    try {
      reactions.push(await runTrial(service, probe, periodMs));
    } catch (error) {
      // A trial that times out is counted and reported; the next one starts from a clean state.
      failures.push(error instanceof Error ? error.message : String(error));
    }
  }
  await service.request('POST', '/api/sim/scenario', { name: 'normal' });
  await service.command('valve.close', {});
  return {
    periodMs,
    trials,
    failures,
    reactionMs: roundDistribution(summarize(reactions.map((r) => r.totalMs)), 3),
    waitForAcquisitionMs: roundDistribution(summarize(known(reactions.map((r) => r.waitMs))), 3),
    acquisitionToWriteMs: roundDistribution(
      summarize(known(reactions.map((r) => r.processingMs))),
      3,
    ),
    goalMs: periodMs + 5,
    rawMs: reactions.map((r) => Number(r.totalMs.toFixed(3))),
  };
}

/**
 * @param {import('../systems/cryopilot.mjs').CryoPilotService} service
 * @param {ProbeLog} probe
 * @param {number} periodMs
 * @returns {Promise<{ totalMs: number, waitMs: number | null, processingMs: number | null }>}
 *   crossing → closing register write, split at the input read that saw the crossing
 */
async function runTrial(service, probe, periodMs) {
  await service.request('POST', '/api/sim/scenario', { name: 'normal' });
  probe.refresh();
  const beforeOpen = probe.events.length;
  await openValve(service, periodMs);
  await probe.waitFor(
    /** @returns {e is Extract<import('../systems/probe-log.mjs').ProbeEvent, { kind: 'valve' }>} */
    (e) => isValveEvent(e) && e.fraction > 0,
    beforeOpen,
    10 * periodMs + 2000,
  );
  await sleep(Math.random() * periodMs);
  probe.refresh();
  const mark = probe.events.length;
  await service.request('POST', '/api/sim/scenario', { name: 'o2-drop', dropToPct: DROP_TO_PCT });
  const crossing = await probe.waitFor(
    /** @returns {e is Extract<import('../systems/probe-log.mjs').ProbeEvent, { kind: 'scenario' }>} */
    (e) => e.kind === 'scenario' && e.name === 'o2-drop',
    mark,
    2000,
  );
  const closed = await probe.waitFor(
    /** @returns {e is Extract<import('../systems/probe-log.mjs').ProbeEvent, { kind: 'valve' }>} */
    (e) => isValveEvent(e) && e.fraction === 0,
    mark,
    10 * periodMs + 2000,
  );
  const ms = (/** @type {bigint} */ ns) => Number(ns) / 1e6;
  const read = closed.inputReadHrNs;
  return {
    totalMs: ms(closed.hrNs - crossing.hrNs),
    waitMs: read === null ? null : ms(read - crossing.hrNs),
    processingMs: read === null ? null : ms(closed.hrNs - read),
  };
}

/**
 * @param {(number | null)[]} values
 * @returns {number[]}
 */
function known(values) {
  return /** @type {number[]} */ (values.filter((v) => v !== null));
}

/**
 * `valve.open` in manual mode; refused while the previous drop's interlock is still seen: the
 * O2 recovers at the next sample, and the low-low trip is latched, so the operator resets it
 * (`alarm.reset`, refused until the condition has cleared) as on the Pi. Retried for a few
 * periods.
 * @param {import('../systems/cryopilot.mjs').CryoPilotService} service
 * @param {number} periodMs
 */
async function openValve(service, periodMs) {
  let reason = '';
  for (let attempt = 0; attempt < 20; attempt++) {
    const result = await service.command('valve.open', { durationS: 120 });
    if (result.ok) return;
    if (result.error?.code !== 'refused')
      throw new Error(`valve.open: ${JSON.stringify(result.error)}`);
    reason = result.error.message;
    const latched = /^interlock active: (.+)$/.exec(reason)?.[1].split(', ') ?? [];
    for (const alarmId of latched) await service.command('alarm.reset', { alarmId });
    await sleep(periodMs);
  }
  // The service's own reason, so a report says why (an interlock, a latched alarm…).
  throw new Error(`valve.open refused for 20 periods: ${reason}`);
}
