// @ts-check
/**
 * Copies the summary table of attack/results/latest.md into the README, between
 * `<!-- attack:start -->` and `<!-- attack:end -->` (which the README must already have).
 * Only that part of the README is touched. `make attack-readme` runs it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_DIR, RESULTS_DIR } from './lib/paths.mjs';
import { README_END, README_START } from './report/markdown-report.mjs';
import { replaceAttackSection } from './report/readme-section.mjs';
import { formatted } from './report/write-results.mjs';

const latest = readFileSync(join(RESULTS_DIR, 'latest.md'), 'utf8');
/** @type {import('./report/markdown-report.mjs').AttackResults} */
const run = JSON.parse(readFileSync(join(RESULTS_DIR, 'latest.json'), 'utf8'));
const readmeFile = join(REPO_DIR, 'README.md');
const updated = replaceAttackSection(readFileSync(readmeFile, 'utf8'), latest, {
  start: README_START,
  end: README_END,
  date: run.date,
  durationS: run.durationS,
  passed: run.passed,
});
writeFileSync(readmeFile, await formatted(updated, 'markdown'));
console.log(`README.md: attack section updated from attack/results/latest.md (${run.date})`);
