// Runs every Jest project once, then the Angular unit tests (Vitest, through `ng test`), then
// the node:test self-tests of the harnesses outside the workspaces (bench/test, attack/test:
// parsers, formatters, probes, case generators — no benchmark, no attack), and ends with the
// plain summary line CI reads:
// "<passed> passed, <failed> failed" over all of them.
// With arguments (a Jest subset, e.g. `make test-only ARGS=hazards`) only Jest runs.
// The exit code is non-zero when any runner failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

mkdirSync('test-artifacts', { recursive: true });
const jestArgs = process.argv.slice(2);
// Which real server each test file ran against (test/support/servers/engine.ts appends).
const serversLog = resolve('test-artifacts/test-servers.jsonl');
rmSync(serversLog, { force: true });

/** Runs a command and reads its Jest-format JSON results (Vitest writes the same fields). */
function run(name, command, args, resultsFile, cwd) {
  rmSync(resultsFile, { force: true });
  const status = spawnSync(command, args, { stdio: 'inherit', cwd }).status ?? 1;
  try {
    const r = JSON.parse(readFileSync(resultsFile, 'utf8'));
    return {
      name,
      status,
      passed: r.numPassedTests,
      failed: r.numFailedTests,
      skipped: r.numPendingTests + (r.numTodoTests ?? 0),
      total: r.numTotalTests,
    };
  } catch {
    // No results file: the runner crashed before writing it; counted as one failure.
    console.error(`${name}: no test results (the runner did not finish)`);
    return { name, status: status || 1, passed: 0, failed: 1, skipped: 0, total: 0 };
  }
}

const jestOut = resolve('test-artifacts/jest-results.json');
// --forceExit: a failing test can leave a timer or socket open (its cleanup never ran), and
// Jest would then wait forever after reporting; CI must end with the failure, not time out.
const results = [
  run(
    'jest',
    'npx',
    ['jest', '--json', `--outputFile=${jestOut}`, '--forceExit', ...jestArgs],
    jestOut,
  ),
];
if (jestArgs.length === 0) {
  const uiOut = resolve('test-artifacts/ui-results.json');
  results.push(
    run(
      'angular',
      'npx',
      [
        'ng',
        'test',
        '--watch=false',
        '--reporters=json',
        '--reporters=default',
        `--output-file=${uiOut}`,
      ],
      uiOut,
      'angular-ui',
    ),
  );
}

// node:test suites, each a folder of *.test.mjs files. bench/ has its own lock file: `make test`
// installs it first (`make bench-install`); attack/ uses the workspace's packages.
const nodeTestSuites = [
  { name: 'bench', dir: 'bench/test' },
  { name: 'attack', dir: 'attack/test' },
];
if (jestArgs.length === 0) {
  for (const suite of nodeTestSuites) {
    const out = resolve(`test-artifacts/${suite.name}-results.json`);
    const files = readdirSync(suite.dir)
      .filter((file) => file.endsWith('.test.mjs'))
      .sort()
      .map((file) => join(suite.dir, file));
    results.push(
      run(
        suite.name,
        process.execPath,
        [
          '--test',
          '--test-reporter=spec',
          '--test-reporter-destination=stdout',
          '--test-reporter=./scripts/node-test-summary.mjs',
          `--test-reporter-destination=${out}`,
          ...files,
        ],
        out,
      ),
    );
  }
}

if (existsSync(serversLog)) {
  const kinds = new Map();
  for (const line of readFileSync(serversLog, 'utf8').split('\n').filter(Boolean)) {
    const { what, kind } = JSON.parse(line);
    kinds.set(`${what} → ${kind}`, (kinds.get(`${what} → ${kind}`) ?? 0) + 1);
  }
  console.log('test servers (test files):');
  for (const [k, n] of [...kinds].sort()) console.log(`  ${k} ×${n}`);
}

const sum = (key) => results.reduce((n, r) => n + r[key], 0);
for (const r of results) console.log(`${r.name}: ${r.passed} passed, ${r.failed} failed`);
const skipped = sum('skipped');
console.log(
  sum('total') === 0
    ? 'no tests ran'
    : `${sum('passed')} passed, ${sum('failed')} failed` + (skipped ? `, ${skipped} skipped` : ''),
);
process.exit(results.some((r) => r.status !== 0) ? 1 : 0);
