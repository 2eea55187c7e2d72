// @ts-check
/**
 * Copies the summary of bench/results/latest.md (between its `bench:readme` markers) into the
 * README's "Benchmarks" section, between the same markers. Only that part of the README is
 * touched. `make bench` runs it after a full run; `make bench-readme` runs it alone.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_DIR, RESULTS_DIR } from './lib/paths.mjs';
import { formatted } from './report/write-results.mjs';
import { README_END, README_START } from './report/markdown-report.mjs';
import { replaceBetweenMarkers } from './report/readme-section.mjs';

const latest = readFileSync(join(RESULTS_DIR, 'latest.md'), 'utf8');
const readmeFile = join(REPO_DIR, 'README.md');
const readme = readFileSync(readmeFile, 'utf8');
const title = /^# (.*)$/m.exec(latest)?.[1] ?? 'latest run';
const updated = replaceBetweenMarkers(readme, latest, {
  start: README_START,
  end: README_END,
  title,
});
writeFileSync(readmeFile, await formatted(updated, 'markdown'));
console.log(`README.md: Benchmarks section updated from bench/results/latest.md (${title})`);
