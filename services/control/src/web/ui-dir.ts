import { join, resolve } from 'node:path';

/**
 * Where the built operator page is: `UI_DIR` when set (e.g. in a container image), else the
 * Angular build output of this checkout (`angular-ui/dist/browser`). The same relative path
 * works from `src/web` (tests) and `dist/web` (the built service).
 */
export function resolveUiDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.UI_DIR) return resolve(env.UI_DIR);
  return join(__dirname, '..', '..', '..', '..', 'angular-ui', 'dist', 'browser');
}
