// @ts-check
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bench folder. */
export const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
/** The repository root. */
export const REPO_DIR = dirname(BENCH_DIR);
/** The control service package (its `dist/main.js` is what runs). */
export const SERVICE_DIR = join(REPO_DIR, 'services/control');
/** Where results are written. */
export const RESULTS_DIR = join(BENCH_DIR, 'results');
