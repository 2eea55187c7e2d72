// @ts-check
/**
 * What the browser received for the operator page, from Chrome DevTools Protocol network
 * events: per request, `Network.responseReceived` (URL, headers) and `Network.loadingFinished`
 * (`encodedDataLength`: every byte received for it, response headers and body as sent, i.e.
 * compressed when the server compressed). The same figure DevTools shows as "transferred".
 * Pure.
 */

/** What Chromium sends over HTTPS (Brotli and zstd are offered on secure origins only). */
export const HTTPS_ACCEPT_ENCODING = 'gzip, deflate, br, zstd';

/**
 * @typedef {object} Load one request of the page load
 * @property {string} url
 * @property {string | null} encoding the response's Content-Encoding
 * @property {number | null} transferredBytes null when it never finished (failed, cancelled)
 */

/**
 * A header of a CDP header object, whose names keep the server's case.
 * @param {Record<string, string> | undefined} headers
 * @param {string} name lower case
 * @returns {string | null}
 */
export function headerValue(headers, name) {
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.toLowerCase() === name) return value;
  }
  return null;
}

/** @param {string} url */
export const isApi = (url) => new URL(url).pathname.startsWith('/api/');

/**
 * Totals of the page's own resources (everything but `/api/`) and of the API calls it made.
 * @param {Load[]} loads
 * @returns {{ pageBytes: number, apiBytes: number, unfinished: number, byPath: Map<string, { transferredBytes: number | null, encoding: string | null }> }}
 */
export function transferTotals(loads) {
  let pageBytes = 0;
  let apiBytes = 0;
  let unfinished = 0;
  /** @type {Map<string, { transferredBytes: number | null, encoding: string | null }>} */
  const byPath = new Map();
  for (const load of loads) {
    if (load.transferredBytes === null) unfinished++;
    const bytes = load.transferredBytes ?? 0;
    if (isApi(load.url)) {
      apiBytes += bytes;
      continue;
    }
    pageBytes += bytes;
    byPath.set(new URL(load.url).pathname, {
      transferredBytes: load.transferredBytes,
      encoding: load.encoding,
    });
  }
  return { pageBytes, apiBytes, unfinished, byPath };
}

/**
 * One row per resource: every path that went over the wire (in load order), with its decoded
 * and gzip -6 sizes where the body could be read, then any body the network events missed.
 * @param {{ url: string, rawBytes: number, gzipBytes: number }[]} bodies paths with sizes
 * @param {Map<string, { transferredBytes: number | null, encoding: string | null }>} byPath
 * @returns {import('../report/result-types.mjs').PageResource[]}
 */
export function mergeResources(bodies, byPath) {
  const sizes = new Map(bodies.map((b) => [b.url, b]));
  const rows = [...byPath].map(([url, t]) => ({
    url,
    rawBytes: sizes.get(url)?.rawBytes ?? 0,
    gzipBytes: sizes.get(url)?.gzipBytes ?? 0,
    transferredBytes: t.transferredBytes,
    encoding: t.encoding,
  }));
  for (const body of bodies) {
    if (!byPath.has(body.url)) rows.push({ ...body, transferredBytes: null, encoding: null });
  }
  return rows;
}
