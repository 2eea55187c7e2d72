// @ts-check
/**
 * CryoPilot attack run (`make attack`): each suite attacks a fresh service on loopback and
 * counts what it tried, what was handled, crashes and forbidden state changes.
 *
 *   node attack/run-attack.mjs                      # every suite, ~2.5 min on 2 cores
 *   node attack/run-attack.mjs --suite ws-fuzz,takeover
 *   ATTACK_DEADLINE_S=200 node attack/run-attack.mjs # bound of the whole run (default 330 s)
 *
 * A full run writes results/<date>.{md,json} and results/latest.*; a partial one writes
 * results/tmp/ only. Exits 1 when a crash or a forbidden state change happened (or a suite
 * could not run to its end), 0 otherwise.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { elapsedS, log } from './lib/log.mjs';
import { RESULTS_DIR } from './lib/paths.mjs';
import { skippedResult, Tally } from './lib/tally.mjs';
import { makeUsersTemplate } from './lib/users.mjs';
import { summaryTable } from './report/markdown-report.mjs';
import { describeMachine } from './report/machine.mjs';
import { writeResults } from './report/write-results.mjs';
import { SUITES } from './suites/index.mjs';

const DEADLINE_S = Number(process.env.ATTACK_DEADLINE_S ?? 330);

const wanted = parseSuites(process.argv.slice(2));
const workDir = mkdtempSync(join(tmpdir(), 'cryopilot-attack-'));
log(`suites: ${wanted.join(', ')}; bound ${DEADLINE_S} s; work dir ${workDir}`);
const usersFile = await makeUsersTemplate(join(workDir, 'users'));
/** @type {Map<number, Promise<string>>} */
const withViewers = new Map();
/** @param {number} extraViewers */
const usersWithViewers = (extraViewers) => {
  if (!withViewers.has(extraViewers)) {
    withViewers.set(
      extraViewers,
      makeUsersTemplate(join(workDir, `users-${extraViewers}`), { from: usersFile, extraViewers }),
    );
  }
  return /** @type {Promise<string>} */ (withViewers.get(extraViewers));
};

/** How long past its bound a suite that ignores the abort signal is waited for. */
const HANG_GRACE_S = 30;

/** @type {import('./lib/tally.mjs').SuiteResult[]} */
const results = [];
let harnessFailed = false;
for (const suite of SUITES.filter((s) => wanted.includes(s.name))) {
  if (elapsedS() + suite.budgetS > DEADLINE_S) {
    results.push(skippedResult(suite.name, `the run's ${DEADLINE_S} s bound would be passed`));
    log(`${suite.name}: skipped (time bound)`);
    continue;
  }
  log(`${suite.name}: start (at most ${suite.budgetS} s)`);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), suite.budgetS * 1000);
  const started = performance.now();
  /** @type {import('./lib/tally.mjs').SuiteResult} */
  let result;
  /** @type {NodeJS.Timeout | undefined} */
  let hangTimer;
  try {
    // The abort signal stops a suite between steps; an await that never settles (a publish
    // whose connection the broker dropped) would not notice it: a hard bound ends the wait.
    const hung = new Promise((_, reject) => {
      hangTimer = setTimeout(
        () => reject(new Error(`hung: still running ${HANG_GRACE_S} s after its bound`)),
        (suite.budgetS + HANG_GRACE_S) * 1000,
      );
    });
    result = await Promise.race([
      suite.run({
        workDir: join(workDir, suite.name),
        usersFile,
        usersWithViewers,
        signal: controller.signal,
        log: (line) => log(`${suite.name}: ${line}`),
      }),
      hung,
    ]);
  } catch (error) {
    harnessFailed = true;
    const tally = new Tally(suite.name);
    tally.finding(
      `the suite could not run to its end: ${error instanceof Error ? error.stack : String(error)}`,
    );
    result = tally.result('harness error (see findings)', (performance.now() - started) / 1000);
    log(`${suite.name}: ERROR ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    clearTimeout(timer);
    clearTimeout(hangTimer);
  }
  if (controller.signal.aborted) {
    harnessFailed = true;
    result.findings.push(`hit its ${suite.budgetS} s bound: stopped early, figures partial`);
  }
  results.push(result);
  log(
    `${suite.name}: ${result.tried} tried, ${result.handled} handled, ${result.crashes} crashes, ${result.stateChanges} state changes — ${result.notable}`,
  );
}

const passed = !harnessFailed && results.every((r) => r.crashes === 0 && r.stateChanges === 0);
const full = wanted.length === SUITES.length;
/** @type {import('./report/markdown-report.mjs').AttackResults} */
const run = {
  date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  suites: wanted,
  durationS: Math.round(elapsedS()),
  passed,
  machine: describeMachine(),
  results,
};
const stem = run.date.replace(/:/g, '-') + (full ? '' : `-${wanted.join('-')}`);
const summaries = Object.fromEntries(SUITES.map((s) => [s.name, s.summary]));
const written = await writeResults(run, summaries, {
  dir: full ? RESULTS_DIR : join(RESULTS_DIR, 'tmp'),
  stem,
  latest: full,
});
rmSync(workDir, { recursive: true, force: true });
console.log(`\n${summaryTable(results)}\n`);
for (const r of results.filter((x) => x.findings.length > 0)) {
  console.log(
    `${r.name}: ${r.findings.length} finding(s), first: ${r.findings[0].split('\n')[0].slice(0, 300)}`,
  );
}
log(`${passed ? 'passed' : 'FAILED'} in ${run.durationS} s; wrote ${written.join(', ')}`);
process.exitCode = passed ? 0 : 1;
// A hung suite may hold sockets open: leave anyway (the exit handler kills its services).
setTimeout(() => process.exit(), 1000).unref();

/**
 * `--suite a,b` (default: all).
 * @param {string[]} argv
 */
function parseSuites(argv) {
  const names = SUITES.map((s) => s.name);
  const at = argv.indexOf('--suite');
  if (at < 0) return names;
  const asked = (argv[at + 1] ?? '').split(',').filter(Boolean);
  const unknown = asked.filter((n) => !names.includes(n));
  if (unknown.length > 0 || asked.length === 0) {
    throw new Error(`unknown suite(s) ${unknown.join(', ')}; known: ${names.join(', ')}`);
  }
  return names.filter((n) => asked.includes(n));
}
