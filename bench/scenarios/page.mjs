// @ts-check
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import {
  headerValue,
  HTTPS_ACCEPT_ENCODING,
  isApi,
  mergeResources,
  transferTotals,
} from '../lib/page-transfer.mjs';
import { REPO_DIR } from '../lib/paths.mjs';

/**
 * The operator page: what `/` loads and the time from navigation to the first live value in
 * headless Chromium. The bytes that count are the ones Chromium received (DevTools protocol,
 * headers and body as the server sent them, compressed or not); decoded and gzip -6 sizes are
 * kept for comparison. The bench serves plain HTTP, where Chromium offers only gzip and
 * deflate in some versions; the Pi serves HTTPS, where it also offers Brotli and zstd: if it
 * offered less here, the page's requests are replayed with the HTTPS Accept-Encoding too. If the service does not serve the page, the size
 * comes from the Angular build output (`angular-ui/dist/browser`) and no time is measured.
 */

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/**
 * Elements that show a live channel value: the operator page's process tiles mark their number
 * `data-testid="value"` and carry `tile-not-live` while the value is not live. The first such
 * element holding a digit is "the first live value" (BENCH_LIVE_VALUE_SELECTOR overrides it).
 * Without one, the first `sample` frame the page receives is used instead, and the result
 * says so.
 */
const LIVE_VALUE_SELECTOR =
  process.env.BENCH_LIVE_VALUE_SELECTOR ??
  'app-process-tile:not(.tile-not-live) [data-testid="value"]';

/** @typedef {{ url: string, rawBytes: number, gzipBytes: number }} Resource */

/**
 * @param {{ service: import('../systems/cryopilot.mjs').CryoPilotService, log: (line: string) => void }} context
 * @returns {Promise<import('../report/result-types.mjs').PageRecord>}
 */
export async function runPage({ service, log }) {
  const index = await fetch(`${service.url}/`, { headers: { cookie: service.cookie ?? '' } });
  const servesPage = index.ok && (index.headers.get('content-type') ?? '').includes('text/html');
  if (!servesPage) {
    log(`  page: the service does not serve / (HTTP ${index.status}); sizing the build output`);
    return { ...staticBundle(), source: 'angular-ui/dist/browser (the service does not serve /)' };
  }
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install chromium`);
  log('  page: headless Chromium');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  try {
    const context = await browser.newContext();
    const [name, value] = (service.cookie ?? '=').split('=');
    await context.addCookies([
      { name, value, url: service.url, httpOnly: true, sameSite: 'Strict' },
    ]);
    // The page's service worker fetches on its own while it installs (its cache of the
    // shell): requests the page's DevTools session never sees, and a file it later serves the
    // page arrives there as 0 bytes. Playwright reports them on the context.
    /** @type {Promise<number>[]} */
    const workerLoads = [];
    /** @type {string[]} a worker request that failed or could not be sized: an undercount */
    const workerProblems = [];
    context.on('requestfinished', (request) => {
      if (!request.serviceWorker()) return;
      workerLoads.push(
        request
          .sizes()
          .then((sizes) => sizes.responseHeadersSize + sizes.responseBodySize)
          .catch((/** @type {Error} */ error) => {
            workerProblems.push(`service worker ${request.url()}: ${error.message}`);
            return 0;
          }),
      );
    });
    /** Requests the worker made from the browser's cache only, and did not find there. */
    let workerCacheMisses = 0;
    context.on('requestfailed', (request) => {
      if (!request.serviceWorker()) return;
      const errorText = request.failure()?.errorText;
      // A `cache: 'only-if-cached'` fetch that missed: it never reached the network (sw.js
      // keeps, at install, only the build files the browser already holds).
      if (errorText === 'net::ERR_CACHE_MISS') workerCacheMisses += 1;
      else workerProblems.push(`service worker ${request.url()}: ${errorText}`);
    });
    const page = await context.newPage();
    const network = await watchNetwork(await context.newCDPSession(page));
    /** @type {Promise<Resource | null>[]} */
    const resources = [];
    page.on('response', (response) => resources.push(sizeOf(response)));
    /** @type {number | null} */
    let firstSampleFrameMs = null;
    page.on('websocket', (socket) =>
      socket.on('framereceived', ({ payload }) => {
        if (firstSampleFrameMs === null && String(payload).includes('"type":"sample"')) {
          firstSampleFrameMs = Date.now();
        }
      }),
    );
    const startMs = Date.now();
    await page.goto(`${service.url}/`, { waitUntil: 'commit' });
    const liveValue = await page
      .waitForFunction(
        (selector) =>
          [...document.querySelectorAll(selector)].some((el) => /\d/.test(el.textContent ?? '')),
        LIVE_VALUE_SELECTOR,
        { timeout: 15_000, polling: 'raf' },
      )
      .then(() => Date.now())
      .catch(() => null);
    await page.waitForLoadState('networkidle', { timeout: 15_000 }).catch(() => undefined);
    const installed = await workerInstall(page, workerLoads);
    const serviceWorker = installed && { ...installed, cacheMisses: workerCacheMisses };
    const loaded = /** @type {Resource[]} */ ((await Promise.all(resources)).filter(Boolean));
    const pageResources = loaded.filter((r) => !isApi(r.url));
    const transfer = transferTotals(network.loads());
    const sized = totals(pageResources);
    const acceptEncoding = network.acceptEncoding();
    return {
      source: 'served by the service, loaded in headless Chromium',
      ...sized,
      resources: mergeResources(sized.resources, transfer.byPath),
      transferredBytes: transfer.pageBytes,
      incomplete: [...transfer.problems, ...workerProblems],
      acceptEncoding,
      // Only when Chromium offered less on plain HTTP than it does over HTTPS (the Pi).
      httpsEquivalent:
        acceptEncoding === HTTPS_ACCEPT_ENCODING
          ? null
          : await replayWith(
              pageResources.map((r) => r.url),
              service.cookie ?? '',
              HTTPS_ACCEPT_ENCODING,
            ).catch((/** @type {Error} */ error) => {
              log(`  page: replay with the HTTPS Accept-Encoding failed: ${error.message}`);
              return null;
            }),
      serviceWorker,
      apiBytes: transfer.apiBytes,
      firstLiveValueMs:
        liveValue !== null
          ? liveValue - startMs
          : firstSampleFrameMs !== null
            ? firstSampleFrameMs - startMs
            : null,
      firstLiveValueBy:
        liveValue !== null
          ? `DOM (${LIVE_VALUE_SELECTOR})`
          : 'first sample frame received (no live-value element found)',
    };
  } finally {
    await browser.close();
  }
}

/**
 * @param {import('playwright-core').Response} response
 * @returns {Promise<Resource | null>}
 */
async function sizeOf(response) {
  // Redirects and failed loads have no body; they carry no page bytes.
  const body = await response.body().catch(() => null);
  if (!body) return null;
  return { url: response.url(), rawBytes: body.length, gzipBytes: gzipSync(body).length };
}

/**
 * Waits for the page's service worker to be ready (its install, which fetches its cache, is
 * over then), and sums what it fetched; null when none became ready within 10 s (no worker, or
 * not a secure context).
 * @param {import('playwright-core').Page} page
 * @param {Promise<number>[]} workerLoads
 * @returns {Promise<{ bytes: number, requests: number } | null>}
 */
async function workerInstall(page, workerLoads) {
  const ready = await page
    .evaluate(() =>
      Promise.race([
        navigator.serviceWorker?.ready.then(() => true) ?? Promise.resolve(false),
        new Promise((resolve) => setTimeout(() => resolve(false), 10_000)),
      ]),
    )
    .catch(() => false);
  if (!ready) return null;
  // The last requestfinished events of the install may trail the worker's activation.
  await page.waitForTimeout(500);
  const sizes = await Promise.all(workerLoads);
  return { bytes: sizes.reduce((sum, bytes) => sum + bytes, 0), requests: sizes.length };
}

/**
 * Records every request of the page from the DevTools protocol: URL and Content-Encoding of the
 * response, and the bytes received when it finished.
 * @param {import('playwright-core').CDPSession} cdp
 */
async function watchNetwork(cdp) {
  /** @type {Map<string, import('../lib/page-transfer.mjs').Load>} */
  const loads = new Map();
  /** @type {string | null} */
  let acceptEncoding = null;
  cdp.on('Network.requestWillBeSentExtraInfo', ({ headers }) => {
    // The headers really sent (the ones in requestWillBeSent lack those the network stack adds).
    acceptEncoding ??= headerValue(headers, 'accept-encoding');
  });
  cdp.on('Network.requestWillBeSent', ({ requestId, request, type }) => {
    // WebSocket upgrades are not page resources; everything else is, until it fails or ends.
    if (type === 'WebSocket' || loads.has(requestId)) return;
    loads.set(requestId, {
      url: request.url,
      encoding: null,
      transferredBytes: null,
      status: null,
      failure: null,
    });
  });
  cdp.on('Network.responseReceived', ({ requestId, response }) => {
    loads.set(requestId, {
      url: response.url,
      encoding: headerValue(response.headers, 'content-encoding'),
      transferredBytes: null,
      status: response.status,
      failure: null,
    });
  });
  cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
    const load = loads.get(requestId);
    if (load) load.transferredBytes = encodedDataLength;
  });
  cdp.on('Network.loadingFailed', ({ requestId, errorText }) => {
    const load = loads.get(requestId);
    if (load) load.failure = errorText;
  });
  await cdp.send('Network.enable');
  return { loads: () => [...loads.values()], acceptEncoding: () => acceptEncoding };
}

/**
 * The bytes received (status line, headers, body as sent) for each URL, fetched one at a time
 * on a fresh connection with the given Accept-Encoding and session cookie.
 * @param {string[]} urls
 * @param {string} cookie
 * @param {string} acceptEncoding
 * @returns {Promise<{ acceptEncoding: string, transferredBytes: number }>}
 */
async function replayWith(urls, cookie, acceptEncoding) {
  let transferredBytes = 0;
  for (const url of urls) {
    transferredBytes += await new Promise((resolve, reject) => {
      const req = request(url, {
        agent: false,
        headers: { cookie, 'accept-encoding': acceptEncoding },
      });
      req.once('error', reject);
      req.once('response', (res) => {
        res.resume();
        res.once('end', () => resolve(res.socket.bytesRead));
        res.once('error', reject);
      });
      req.end();
    });
  }
  return { acceptEncoding, transferredBytes };
}

/** @param {Resource[]} resources */
function totals(resources) {
  return {
    resources: resources.map((r) => ({ ...r, url: new URL(r.url).pathname })),
    rawBytes: resources.reduce((s, r) => s + r.rawBytes, 0),
    gzipBytes: resources.reduce((s, r) => s + r.gzipBytes, 0),
  };
}

/**
 * What `index.html` of the Angular build references (scripts, styles, preloads, icon).
 * @returns {import('../report/result-types.mjs').PageRecord}
 */
function staticBundle() {
  const dir = join(REPO_DIR, 'angular-ui/dist/browser');
  const indexFile = join(dir, 'index.html');
  if (!existsSync(indexFile)) {
    return {
      source: 'angular-ui/dist/browser',
      error: 'no Angular build output (run npm run build -w @cryopilot/ui)',
      rawBytes: null,
      gzipBytes: null,
      firstLiveValueMs: null,
      firstLiveValueBy: 'not measured',
    };
  }
  const html = readFileSync(indexFile);
  const refs = [...html.toString().matchAll(/(?:src|href)="([^"]+)"/g)]
    .map((m) => m[1])
    .filter((ref) => !/^(https?:|data:|\/\/|#)/.test(ref) && ref !== '/');
  const files = ['index.html', ...new Set(refs.map((ref) => ref.replace(/^\.?\//, '')))];
  /** @type {Resource[]} */
  const resources = files
    .filter((file) => existsSync(join(dir, file)))
    .map((file) => {
      const body = readFileSync(join(dir, file));
      return { url: `http://x/${file}`, rawBytes: body.length, gzipBytes: gzipSync(body).length };
    });
  return {
    source: 'angular-ui/dist/browser',
    ...totals(resources),
    firstLiveValueMs: null,
    firstLiveValueBy: 'not measured (the service does not serve the page)',
  };
}
