import { readFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Makes zod's translated error messages load on first use. Imported by main.ts before
 * anything loads zod.
 *
 * Why: every zod entry point re-exports `locales` (`export * as locales`), so requiring zod
 * loads the messages of all its languages — 63 modules, 0.67 MB of source that V8 keeps on the
 * heap (most of it as UTF-16), ~1 MB of heap in all (issue 13) — while this service only ever
 * uses zod's default, English (loaded by zod's schemas themselves, not through this module).
 * Before zod is first required, this puts in `require.cache`, under the real module's file,
 * a module with the same exports whose languages are required when first read:
 * `z.locales.fr()` works as before (test/footprint/lazy-zod-locales.e2e-spec.ts). Node
 * documents the cache as writable: "Adding or replacing entries is also possible."
 *
 * The names and files come from zod's own locales/index.cjs (pinned zod 4), read as text; if
 * its shape ever changes so that no export is found, nothing is replaced and zod loads as it
 * always did.
 */
export function installLazyZodLocales(): boolean {
  let indexPath: string;
  try {
    indexPath = require.resolve('zod/v4/locales/index.cjs');
  } catch {
    return false; // another zod layout: leave it alone
  }
  if (require.cache[indexPath]) return false; // already loaded for real
  const exportsByName = localeExports(readFileSync(indexPath, 'utf8'));
  if (exportsByName.size === 0) return false;
  const lazy: Record<string, unknown> = {};
  // As the real module declares it: TypeScript's __importStar then uses it as it is.
  Object.defineProperty(lazy, '__esModule', { value: true });
  const dir = dirname(indexPath);
  for (const [name, file] of exportsByName) {
    Object.defineProperty(lazy, name, {
      enumerable: true,
      get: () => importDefault(join(dir, file)),
    });
  }
  const module = new Module(indexPath);
  module.filename = indexPath;
  module.paths = [];
  module.exports = lazy;
  module.loaded = true;
  require.cache[indexPath] = module;
  return true;
}

/**
 * What the real index gives for a language: `__importDefault(require(file)).default` (each
 * file ends `module.exports = exports.default`, so require returns the function itself).
 */
function importDefault(file: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(file) as { __esModule?: boolean; default?: unknown };
  return loaded?.__esModule ? loaded.default : loaded;
}

/**
 * Export name → file of each language in the text of zod's locales/index.cjs:
 * `var fr_js_1 = require("./fr.cjs");` then
 * `Object.defineProperty(exports, "fr", { … __importDefault(fr_js_1).default; } });`.
 */
export function localeExports(indexSource: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const [, variable, file] of indexSource.matchAll(
    /var (\w+) = require\("(\.\/[\w-]+\.cjs)"\);/g,
  )) {
    files.set(variable, file);
  }
  const result = new Map<string, string>();
  for (const [, name, variable] of indexSource.matchAll(
    /Object\.defineProperty\(exports, "(\w+)", \{[^}]*__importDefault\((\w+)\)\.default;/g,
  )) {
    const file = files.get(variable);
    if (file) result.set(name, file);
  }
  return result;
}

installLazyZodLocales();
