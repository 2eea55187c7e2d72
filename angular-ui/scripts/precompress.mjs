// Precompresses the built page (after `ng build`): a `.br` (Brotli, best) and a `.gz` (gzip,
// best) beside every compressible file, which the service sends as they are to browsers that
// accept them (express-static-gzip). Compressing once at build time spares the Pi's CPU on
// every page load and gets the smallest transfer a browser can take.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const DIR = new URL('../dist/browser/', import.meta.url).pathname;
/** Text and uncompressed binary formats; images like PNG or fonts in WOFF2 are packed already. */
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|webmanifest|txt|ico|map)$/;
/** Below this, headers outweigh the gain. */
const MIN_BYTES = 1024;
// index.html is sent with a fresh nonce each time: never from a file, so not compressed here.
const SKIP = new Set(['index.html']);

let before = 0;
let brotli = 0;
for (const name of readdirSync(DIR, { recursive: true, encoding: 'utf8' })) {
  const path = join(DIR, name);
  if (SKIP.has(name) || !COMPRESSIBLE.test(name) || !statSync(path).isFile()) continue;
  const content = readFileSync(path);
  if (content.length < MIN_BYTES) continue;
  const br = brotliCompressSync(content, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
    },
  });
  writeFileSync(`${path}.br`, br);
  writeFileSync(`${path}.gz`, gzipSync(content, { level: 9 }));
  before += content.length;
  brotli += br.length;
}
console.log(
  `precompressed ${DIR}: ${(before / 1024).toFixed(0)} kB → ${(brotli / 1024).toFixed(0)} kB (Brotli)`,
);
