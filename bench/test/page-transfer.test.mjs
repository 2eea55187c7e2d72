// @ts-check
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { headerValue, mergeResources, transferTotals } from '../lib/page-transfer.mjs';

describe('page transfer', () => {
  it('finds a header whatever its case', () => {
    assert.equal(headerValue({ 'Content-Encoding': 'br' }, 'content-encoding'), 'br');
    assert.equal(headerValue({}, 'content-encoding'), null);
    assert.equal(headerValue(undefined, 'accept-encoding'), null);
  });

  it('adds what the browser received for the page apart from the API, per path', () => {
    const base = 'http://127.0.0.1:8181';
    const totals = transferTotals([
      { url: `${base}/`, encoding: null, transferredBytes: 1_200 },
      { url: `${base}/main-ABC.js?v=1`, encoding: 'gzip', transferredBytes: 90_000 },
      { url: `${base}/styles.css`, encoding: 'gzip', transferredBytes: 8_000 },
      { url: `${base}/api/auth/me`, encoding: null, transferredBytes: 400 },
      { url: `${base}/favicon.ico`, encoding: null, transferredBytes: null },
    ]);
    assert.equal(totals.pageBytes, 99_200);
    assert.equal(totals.apiBytes, 400);
    assert.deepEqual(totals.problems, ['/favicon.ico: did not finish']);
    assert.deepEqual(totals.byPath.get('/main-ABC.js'), {
      transferredBytes: 90_000,
      encoding: 'gzip',
    });
    assert.equal(totals.byPath.has('/api/auth/me'), false);
  });

  it('lists every resource that went over the wire, with its body sizes where read', () => {
    const byPath = new Map([
      ['/', { transferredBytes: 1_500, encoding: null }],
      ['/favicon.ico', { transferredBytes: 300, encoding: null }],
    ]);
    const rows = mergeResources(
      [
        { url: '/', rawBytes: 800, gzipBytes: 400 },
        { url: '/late.js', rawBytes: 10, gzipBytes: 30 },
      ],
      byPath,
    );
    assert.deepEqual(rows, [
      { url: '/', rawBytes: 800, gzipBytes: 400, transferredBytes: 1_500, encoding: null },
      {
        url: '/favicon.ico',
        rawBytes: null,
        gzipBytes: null,
        transferredBytes: 300,
        encoding: null,
      },
      { url: '/late.js', rawBytes: 10, gzipBytes: 30, transferredBytes: null, encoding: null },
    ]);
  });

  it('names the page loads that failed or erred, which make the total an undercount', () => {
    const base = 'http://127.0.0.1:8181';
    const load = { encoding: null, transferredBytes: 300, status: 200, failure: null };
    const { problems } = transferTotals([
      { ...load, url: `${base}/main-OLD.js`, status: 404 },
      { ...load, url: `${base}/chunk.js`, transferredBytes: null, failure: 'net::ERR_ABORTED' },
      { ...load, url: `${base}/api/state`, status: 500 },
      { ...load, url: `${base}/ok.js` },
    ]);
    assert.deepEqual(problems, ['/main-OLD.js: HTTP 404', '/chunk.js: net::ERR_ABORTED']);
  });
});
