/**
 * The operator page as built (`npm run build`: ng build, then angular-ui/scripts/precompress.mjs)
 * and served by the service: every script and style goes over the wire Brotli-compressed to a
 * browser that takes it, gzip to one that takes only that (issue 11/13: 364 kB were sent
 * uncompressed). The bytes counted are the response bodies as sent.
 */
import { readdirSync } from 'node:fs';
import { get, IncomingHttpHeaders } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { resolveUiDir } from '../../src/web/ui-dir';
import { startTestApp, TestApp } from '../support/test-app';

let app: TestApp;
let port: number;
beforeAll(async () => {
  app = await startTestApp();
  port = (app.app.getHttpServer().address() as { port: number }).port;
});
afterAll(() => app.close());

function rawGet(path: string, acceptEncoding: string) {
  return new Promise<{ status?: number; headers: IncomingHttpHeaders; body: Buffer }>(
    (resolve, reject) => {
      get(
        { host: '127.0.0.1', port, path, headers: { 'accept-encoding': acceptEncoding } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }),
          );
        },
      ).on('error', reject);
    },
  );
}

const assets = () => readdirSync(resolveUiDir()).filter((f) => /\.(js|css)$/.test(f));

it('sends every script and style of the built page precompressed (Brotli, else gzip)', async () => {
  const files = assets();
  expect(files.length).toBeGreaterThan(3); // the page is built (make test builds it)
  let plainBytes = 0;
  let brotliBytes = 0;
  for (const file of files) {
    const plain = await rawGet(`/${file}`, 'identity');
    const br = await rawGet(`/${file}`, 'gzip, deflate, br, zstd');
    const gz = await rawGet(`/${file}`, 'gzip');
    expect([plain.status, br.status, gz.status]).toEqual([200, 200, 200]);
    if (plain.body.length < 1024) continue; // not worth compressing (precompress.mjs)
    expect({ file, encoding: br.headers['content-encoding'] }).toEqual({ file, encoding: 'br' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(brotliDecompressSync(br.body)).toEqual(plain.body);
    expect(gunzipSync(gz.body)).toEqual(plain.body);
    plainBytes += plain.body.length;
    brotliBytes += br.body.length;
  }
  console.log(
    `page assets: ${(plainBytes / 1024).toFixed(0)} kB as built, ` +
      `${(brotliBytes / 1024).toFixed(0)} kB sent with Brotli`,
  );
  expect(brotliBytes).toBeLessThan(plainBytes / 2.5);
});
