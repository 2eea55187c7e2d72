// @ts-check
/**
 * How long and how much to measure: the full plan (`make bench`, ~17 min on 2 cores) or the
 * smoke plan (`BENCH_QUICK=1`, ~2 min: same code paths, short windows, figures not comparable).
 * Pure.
 */

/** @typedef {'cryopilot' | 'relay' | 'node-red'} SystemName */
/** @typedef {'latency' | 'footprint' | 'cpu' | 'storage' | 'reaction' | 'startup' | 'page'} ScenarioName */

/** Every scenario, in run order. @type {readonly ScenarioName[]} */
export const SCENARIOS = ['latency', 'footprint', 'cpu', 'storage', 'reaction', 'startup', 'page'];
/** @type {readonly SystemName[]} */
export const SYSTEMS = ['cryopilot', 'relay', 'node-red'];

/**
 * @typedef {object} RunPlan
 * @property {boolean} quick
 * @property {ScenarioName[]} scenarios
 * @property {number[]} periodsMs sample periods to run
 * @property {number[]} clientCounts WebSocket client counts
 * @property {(periodMs: number) => number} windowS latency window per period
 * @property {number} footprintWindowS the fixed CPU/RSS window
 * @property {number} footprintPeriodMs period of the footprint window
 * @property {number} footprintClients clients during the footprint window
 * @property {number} costClients WebSocket clients during the CPU and storage windows
 * @property {(periodMs: number) => number} cpuWindowS the untraced CPU window per period
 * @property {number} storagePeriodMs period of the storage window (the default 500 ms)
 * @property {number} straceWindowS the traced part of the storage window (syscall counts)
 * @property {number} cryopilotStorageWindowS CryoPilot's storage window (traced, after the
 *   untraced CPU part): one interval of its longest periodic write with links up
 * @property {number} warmupS time after the clients connect before recording
 * @property {(periodMs: number) => number} reactionTrials
 * @property {number} startupRuns start-ups per system
 * @property {number} startupPeriodMs
 * @property {number} pagePeriodMs
 */

/**
 * @param {{ quick: boolean, scenarios: ScenarioName[], periodsMs?: number[] }} options
 * @returns {RunPlan}
 */
export function makeRunPlan({ quick, scenarios, periodsMs = [100, 500] }) {
  return {
    quick,
    scenarios,
    periodsMs,
    clientCounts: [1, 20, 200],
    windowS: (periodMs) => (quick ? 4 : periodMs <= 100 ? 20 : 30),
    footprintWindowS: quick ? 8 : 60,
    footprintPeriodMs: 100,
    footprintClients: 20,
    costClients: 5,
    // At 500 ms the storage window's bytes are counted over both parts (untraced + traced).
    cpuWindowS: (periodMs) => (quick ? 5 : periodMs <= 100 ? 20 : 50),
    storagePeriodMs: 500,
    straceWindowS: quick ? 5 : 40,
    // The trend store writes one batch every 300 s (trend.store.flushSeconds): any window of
    // exactly that length holds exactly one batch, a 90 s one none or one (0 or 3.3 × the
    // truth). The peers write nothing periodic: their windows stay short.
    cryopilotStorageWindowS: quick ? 10 : 300,
    warmupS: quick ? 1 : 2,
    reactionTrials: (periodMs) => (quick ? 4 : periodMs <= 100 ? 20 : 12),
    startupRuns: quick ? 1 : 3,
    startupPeriodMs: 100,
    pagePeriodMs: 500,
  };
}

/**
 * Scenario names from the command line (`--scenario latency,page`); all when none is given.
 * @param {string[]} argv
 * @returns {ScenarioName[]}
 * @throws {Error} for an unknown name
 */
export function parseScenarios(argv) {
  const index = argv.indexOf('--scenario');
  if (index < 0) return [...SCENARIOS];
  const names = (argv[index + 1] ?? '').split(',').filter(Boolean);
  if (names.length === 0) throw new Error(`--scenario needs one of: ${SCENARIOS.join(', ')}`);
  for (const name of names) {
    if (!SCENARIOS.includes(/** @type {ScenarioName} */ (name))) {
      throw new Error(`unknown scenario ${name}; one of: ${SCENARIOS.join(', ')}`);
    }
  }
  return SCENARIOS.filter((s) => names.includes(s));
}

/**
 * Sample periods from `BENCH_PERIODS` ("100,500"); the default when unset.
 * @param {string | undefined} text
 * @returns {number[] | undefined}
 * @throws {Error} for a value the service would refuse (100..10000 ms)
 */
export function parsePeriods(text) {
  if (text === undefined || text.trim() === '') return undefined;
  const periods = text.split(',').map((part) => Number(part.trim()));
  for (const period of periods) {
    if (!Number.isInteger(period) || period < 100 || period > 10_000) {
      throw new Error(`BENCH_PERIODS: each period must be an integer 100..10000 ms, got ${text}`);
    }
  }
  return periods;
}
