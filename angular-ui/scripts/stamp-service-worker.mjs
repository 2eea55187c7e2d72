// Stamps the built service worker (dist/browser/sw.js) with a hash of the built index.html,
// and the list of hashed scripts and styles (precached at install): each build that changes the page installs a new
// worker, which caches the new shell and drops the old one. Runs after `ng build`, before
// precompress.mjs (which then compresses the stamped file).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

const DIR = new URL('../dist/browser/', import.meta.url).pathname;
const PLACEHOLDER = '__CRYOPILOT_BUILD__';
const ASSETS_PLACEHOLDER = '/* __CRYOPILOT_ASSETS__ */ []';
/** As the service's isHashedAsset: build output named with its content hash. */
const HASHED = /-[A-Z0-9]{8,}\.(js|css)$/;
const worker = readFileSync(`${DIR}sw.js`, 'utf8');
if (worker.includes(PLACEHOLDER)) {
  const build = createHash('sha256')
    .update(readFileSync(`${DIR}index.html`))
    .update(worker)
    .digest('hex')
    .slice(0, 12);
  const assets = readdirSync(DIR)
    .filter((name) => HASHED.test(name))
    .sort()
    .map((name) => `/${name}`);
  writeFileSync(
    `${DIR}sw.js`,
    worker.replace(PLACEHOLDER, build).replace(ASSETS_PLACEHOLDER, JSON.stringify(assets)),
  );
  console.log(`service worker stamped: ${build}, ${assets.length} files`);
}
