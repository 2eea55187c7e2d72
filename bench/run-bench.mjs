// @ts-check
/**
 * CryoPilot benchmarks against the bare relay and Node-RED, in one run (`make bench`).
 *
 *   node bench/run-bench.mjs [--scenario latency,footprint,cpu,storage,reaction,startup,page]
 *   BENCH_QUICK=1 node bench/run-bench.mjs      # smoke run, ~2 min, results in results/tmp/
 *   BENCH_PERIODS=500 node bench/run-bench.mjs  # only some sample periods (default 100,500)
 *
 * A full run of every scenario writes results/<date>.{json,md,svg} and results/latest.*;
 * a quick or partial run writes results/tmp/<date>-<scenarios>.* only.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMosquitto } from './infra/mosquitto.mjs';
import { countChannelPoints, startVictoriaMetrics } from './infra/victoria-metrics.mjs';
import { resolveBenchNode } from './lib/image-node.mjs';
import { RESULTS_DIR, SERVICE_DIR } from './lib/paths.mjs';
import { readProcessTreeUsage } from './lib/proc-stats.mjs';
import { makeRunPlan, parsePeriods, parseScenarios, SCENARIOS } from './lib/run-plan.mjs';
import { describeMachine, describeVersions } from './report/machine.mjs';
import { evaluateGoals } from './report/goals.mjs';
import { writeResults } from './report/write-results.mjs';
import { costPhasesFor, runCostWindows } from './scenarios/cost-windows.mjs';
import { runFanoutWindows } from './scenarios/fanout-windows.mjs';
import { runPage } from './scenarios/page.mjs';
import { runReaction } from './scenarios/reaction.mjs';
import { runStartup } from './scenarios/startup.mjs';
import { CryoPilotService, SERVICE_ENV, SERVICE_NODE_FLAGS } from './systems/cryopilot.mjs';
import { METHOD_NOTES } from './report/method-notes.mjs';

const started = performance.now();
/** @param {string} line */
const log = (line) =>
  console.log(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

const plan = makeRunPlan({
  quick: process.env.BENCH_QUICK === '1',
  scenarios: parseScenarios(process.argv.slice(2)),
  periodsMs: parsePeriods(process.env.BENCH_PERIODS),
});
if (!existsSync(join(SERVICE_DIR, 'dist/main.js'))) {
  throw new Error(
    'services/control/dist/main.js is missing: run `npm run build` (make build) first',
  );
}
// The service and the peers run on the image's Node, not necessarily the harness's.
const systemsNode = resolveBenchNode({ log });
log(`systems run on Node ${systemsNode.version} (${systemsNode.source}: ${systemsNode.path})`);
const workDir = mkdtempSync(join(tmpdir(), 'cryopilot-bench-'));
log(`plan: ${plan.scenarios.join(', ')}${plan.quick ? ' (quick)' : ''}; work dir ${workDir}`);

/** @type {import('./report/result-types.mjs').BenchResults} */
const results = {
  date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  quick: plan.quick,
  scenarios: plan.scenarios,
  periodsMs: plan.periodsMs,
  durationS: 0,
  machine: describeMachine(systemsNode),
  versions: describeVersions(),
  windows: [],
  serviceMemory: [],
  reaction: [],
  startup: null,
  page: null,
  cpu: [],
  storage: [],
  serviceStart: [
    `node ${SERVICE_NODE_FLAGS.join(' ')} dist/main.js`,
    ...Object.entries(SERVICE_ENV).map(([k, v]) => `${k}=${v}`),
  ].join(', '),
  goals: [],
  notes: [...METHOD_NOTES],
  telemetryPointsWritten: null,
};

const mosquitto = await startMosquitto(workDir);
const victoria = await startVictoriaMetrics(workDir);
log(`mosquitto on ${mosquitto.port}, victoria-metrics on ${victoria.port}`);
try {
  for (const periodMs of plan.periodsMs) await runPeriod(periodMs);
  results.telemetryPointsWritten = await countChannelPoints(victoria.url, 'bench').catch(
    () => null,
  );
} finally {
  await victoria.process.stop();
  await mosquitto.process.stop();
}
results.durationS = Math.round((performance.now() - started) / 1000);
results.goals = evaluateGoals(results);

const full =
  !plan.quick && plan.scenarios.length === SCENARIOS.length && plan.periodsMs.join() === '100,500';
const stem =
  results.date.replace(/:/g, '-') +
  (full ? '' : `-${plan.quick ? 'quick-' : ''}${plan.scenarios.join('-')}`);
const written = await writeResults(results, {
  dir: full ? RESULTS_DIR : join(RESULTS_DIR, 'tmp'),
  stem,
  latest: full,
});
rmSync(workDir, { recursive: true, force: true });
for (const goal of results.goals) {
  log(
    `${goal.met === null ? 'n/a   ' : goal.met ? 'met   ' : 'MISSED'} ${goal.goal}: ${goal.measured}${goal.by ? ` — ${goal.by}` : ''}`,
  );
}
log(`wrote ${written.join(', ')}`);

/**
 * Everything that needs the service at one sample period, sharing one instance.
 * @param {number} periodMs
 */
async function runPeriod(periodMs) {
  const wants = (/** @type {import('./lib/run-plan.mjs').ScenarioName} */ s) =>
    plan.scenarios.includes(s);
  const fanout = wants('latency') || (wants('footprint') && periodMs === plan.footprintPeriodMs);
  const cost = costPhasesFor(plan, periodMs) !== null;
  const reaction = wants('reaction');
  const startup = wants('startup') && periodMs === plan.startupPeriodMs;
  const page = wants('page') && periodMs === plan.pagePeriodMs;
  if (!fanout && !cost && !reaction && !startup && !page) return;
  log(`service at ${periodMs} ms`);
  const service = await CryoPilotService.spawn({
    periodMs,
    mqttUrl: mosquitto.url,
    influxUrl: victoria.url,
    workDir,
    deviceId: 'bench',
    withProbe: true,
    node: systemsNode.path,
  });
  try {
    await service.waitHttp();
    const httpReady = memoryOf(service.process.pid);
    const readyDetail = await service.memory();
    await service.login();
    const afterLogin = memoryOf(service.process.pid);
    results.serviceMemory.push({
      periodMs,
      httpReady,
      afterLogin,
      readyDetail,
      loginDetail: await service.memory(),
    });
    const context = {
      plan,
      service,
      mqttUrl: mosquitto.url,
      mqttPort: mosquitto.port,
      workDir,
      log,
    };
    // The page first: the service reads the page's index once, and a rebuild of the Angular
    // output during the long windows (a concurrent `make build`) would leave it naming
    // files that are gone.
    if (page) results.page = await runPage({ service, log });
    if (fanout) results.windows.push(...(await runFanoutWindows(context)));
    if (cost) {
      const { cpu, storage } = await runCostWindows(context);
      results.cpu.push(...cpu);
      results.storage.push(...storage);
    }
    if (reaction)
      results.reaction.push(
        await runReaction({ service, trials: plan.reactionTrials(periodMs), log }),
      );
    if (startup) {
      // Stops `service` itself before timing CryoPilot's own start-ups.
      results.startup = await runStartup({
        periodMs,
        runs: plan.startupRuns,
        mqttUrl: mosquitto.url,
        mqttPort: mosquitto.port,
        influxUrl: victoria.url,
        workDir,
        source: service,
        log,
      });
    }
  } catch (error) {
    console.error(`service log (last lines):\n${service.process.log.slice(-4000)}`);
    throw error;
  } finally {
    await service.stop();
  }
}

/**
 * Current and peak RSS of a process with the processes it started (the loop supervisor), MB.
 * @param {number} pid
 */
function memoryOf(pid) {
  const usage = readProcessTreeUsage(pid);
  return { rssMb: Math.round(usage.rssKb / 1024), peakRssMb: Math.round(usage.peakRssKb / 1024) };
}
