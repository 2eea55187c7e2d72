// @ts-check
/**
 * What the browser received for the operator page, from Chrome DevTools Protocol network
 * events: per request, `Network.responseReceived` (URL, headers) and `Network.loadingFinished`
 * (`encodedDataLength`: every byte received for it, response headers and body as sent, i.e.
 * compressed when the server compressed). The same figure DevTools shows as "transferred".
 * Pure.
 */

/**
 * What Chromium sends over HTTPS. Brotli and zstd are offered on secure origins; Chromium 156
 * treats http://127.0.0.1 as one, older versions offer only gzip and deflate on plain HTTP.
 */
export const HTTPS_ACCEPT_ENCODING = 'gzip, deflate, br, zstd';

/**
 * @typedef {object} Load one request of the page load
 * @property {string} url
 * @property {string | null} encoding the response's Content-Encoding
 * @property {number | null} transferredBytes null when it never finished (failed, cancelled)
 * @property {number | null} [status] HTTP status, null without a response
 * @property {string | null} [failure] `Network.loadingFailed` errorText
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
 * Totals of the page's own resources (everything but `/api/`) and of the API calls it made,
 * and what went wrong with the page's own loads: a failed or unfinished load, or an HTTP error,
 * makes the total an undercount (a page whose main script is missing loads nothing after it).
 * @param {Load[]} loads
 * @returns {{ pageBytes: number, apiBytes: number, problems: string[], byPath: Map<string, { transferredBytes: number | null, encoding: string | null }> }}
 */
export function transferTotals(loads) {
  let pageBytes = 0;
  let apiBytes = 0;
  /** @type {string[]} */
  const problems = [];
  /** @type {Map<string, { transferredBytes: number | null, encoding: string | null }>} */
  const byPath = new Map();
  for (const load of loads) {
    const bytes = load.transferredBytes ?? 0;
    if (isApi(load.url)) {
      apiBytes += bytes;
      continue;
    }
    const path = new URL(load.url).pathname;
    if (load.failure) problems.push(`${path}: ${load.failure}`);
    else if (load.status != null && load.status >= 400)
      problems.push(`${path}: HTTP ${load.status}`);
    else if (load.transferredBytes === null) problems.push(`${path}: did not finish`);
    pageBytes += bytes;
    byPath.set(path, { transferredBytes: load.transferredBytes, encoding: load.encoding });
  }
  return { pageBytes, apiBytes, problems, byPath };
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
    // Unknown where Chromium fetched it for itself (the favicon): no page response to read.
    rawBytes: sizes.get(url)?.rawBytes ?? null,
    gzipBytes: sizes.get(url)?.gzipBytes ?? null,
    transferredBytes: t.transferredBytes,
    encoding: t.encoding,
  }));
  for (const body of bodies) {
    if (!byPath.has(body.url)) rows.push({ ...body, transferredBytes: null, encoding: null });
  }
  return rows;
}
