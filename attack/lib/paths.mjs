// @ts-check
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The attack folder. */
export const ATTACK_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
/** The repository root. */
export const REPO_DIR = dirname(ATTACK_DIR);
/** The control service package (its `dist/` is what runs). */
export const SERVICE_DIR = join(REPO_DIR, 'services/control');
/** The built service. */
export const SERVICE_MAIN = join(SERVICE_DIR, 'dist/main.js');
/** The built users CLI (`npm run users`). */
export const USERS_CLI = join(SERVICE_DIR, 'dist/auth/users-cli.js');
/** Where results are written. */
export const RESULTS_DIR = join(ATTACK_DIR, 'results');
