// Runs every Jest project once and ends with the plain summary line CI reads:
// "<passed> passed, <failed> failed". The exit code is Jest's.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';

mkdirSync('test-artifacts', { recursive: true });
const out = 'test-artifacts/jest-results.json';
const args = ['jest', '--json', `--outputFile=${out}`, ...process.argv.slice(2)];
const run = spawnSync('npx', args, { stdio: 'inherit' });
let summary = 'no test results (Jest did not finish)';
try {
  const r = JSON.parse(readFileSync(out, 'utf8'));
  summary =
    `${r.numPassedTests} passed, ${r.numFailedTests} failed` +
    (r.numPendingTests ? `, ${r.numPendingTests} skipped` : '');
  if (r.numTotalTests === 0) summary = 'no tests ran';
} catch {
  // No results file: Jest crashed before writing it; the exit code below reports failure.
}
console.log(summary);
process.exit(run.status ?? 1);
