import type { INestApplication } from '@nestjs/common';
import express from 'express';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { once } from 'node:events';
import { get, IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { securityHeaders } from './security-headers';
import { installWebPage, NONCE_PLACEHOLDER } from './web-page';

const BIG_SCRIPT = `export const x = ${JSON.stringify('operator page '.repeat(500))};\n`;
/** The bytes as sent (supertest would decode them itself, hiding what went over the wire). */
function rawGet(port: number, path: string, acceptEncoding: string) {
  return new Promise<{ headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    get(
      { host: '127.0.0.1', port, path, headers: { 'accept-encoding': acceptEncoding } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      },
    ).on('error', reject);
  });
}

describe('installWebPage', () => {
  let dir: string;
  let app: express.Express;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ui-'));
    writeFileSync(
      join(dir, 'index.html'),
      `<html><body><app-root ngCspNonce="${NONCE_PLACEHOLDER}"></app-root></body></html>`,
    );
    writeFileSync(join(dir, 'main-ABCDEFGH.js'), 'console.log(1)');
    // As the build's precompress step leaves them: a .br and a .gz beside the file.
    writeFileSync(join(dir, 'chunk-IJKLMNOP.js'), BIG_SCRIPT);
    writeFileSync(join(dir, 'chunk-IJKLMNOP.js.br'), brotliCompressSync(BIG_SCRIPT));
    writeFileSync(join(dir, 'chunk-IJKLMNOP.js.gz'), gzipSync(BIG_SCRIPT));
    // The installable page's files (issue 11): the worker as precompressed, the manifest small.
    const WORKER = `self.addEventListener('fetch', () => {}); // ${'worker '.repeat(300)}\n`;
    writeFileSync(join(dir, 'sw.js'), WORKER);
    writeFileSync(join(dir, 'sw.js.br'), brotliCompressSync(WORKER));
    writeFileSync(join(dir, 'sw.js.gz'), gzipSync(WORKER));
    writeFileSync(join(dir, 'manifest.webmanifest'), '{"name":"CryoPilot"}');
    app = express();
    // installWebPage only calls `use`: an Express app stands in for Nest's.
    installWebPage(app as unknown as INestApplication, dir);
    app.get('/api/state', (_req, res) => res.json({ ok: true }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['/', '/index.html', '/alarms'])('%s is the page with a fresh nonce', async (path) => {
    const first = await request(app).get(path).expect(200);
    const second = await request(app).get(path).expect(200);
    expect(first.text).not.toContain(NONCE_PLACEHOLDER);
    const nonce = (text: string) => /ngCspNonce="([^"]+)"/.exec(text)?.[1];
    expect(nonce(first.text)).toMatch(/^[A-Za-z0-9+/=_-]{16,}$/);
    expect(nonce(first.text)).not.toBe(nonce(second.text));
    expect(first.headers['content-security-policy']).toContain(nonce(first.text));
    expect(first.headers['cache-control']).toBe('no-cache');
  });

  it('serves the service worker as script never cached long, the manifest as a manifest', async () => {
    const worker = await request(app).get('/sw.js').set('accept-encoding', 'br').expect(200);
    expect(worker.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(worker.headers['content-encoding']).toBe('br');
    // A worker cached for a year would keep an old shell for a year.
    expect(worker.headers['cache-control']).toBe('no-cache');
    const manifest = await request(app).get('/manifest.webmanifest').expect(200);
    expect(manifest.headers['content-type']).toMatch(/^application\/manifest\+json/);
    expect(manifest.headers['cache-control']).toBe('no-cache');
  });

  it('serves hashed assets for a year, a missing asset as 404, the API untouched', async () => {
    const asset = await request(app).get('/main-ABCDEFGH.js').expect(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    await request(app).get('/missing-12345678.js').expect(404);
    await request(app).get('/api/state').expect(200, { ok: true });
  });

  it('a content-hashed script: the headers that act on a subresource, no validators; the rest keep all', async () => {
    const asset = await request(app).get('/chunk-IJKLMNOP.js').set('accept-encoding', 'br');
    expect(asset.status).toBe(200);
    // Kept: they act on a script (MIME sniffing, cross-origin loads).
    expect(asset.headers['x-content-type-options']).toBe('nosniff');
    expect(asset.headers['cross-origin-resource-policy']).toBe('same-origin');
    expect(asset.headers['referrer-policy']).toBe('no-referrer');
    // Dropped: document-only policies, and validators an immutable file never uses.
    for (const name of [
      'content-security-policy',
      'x-frame-options',
      'cross-origin-opener-policy',
      'permissions-policy',
      'etag',
      'last-modified',
      'accept-ranges',
    ]) {
      expect([name, asset.headers[name]]).toEqual([name, undefined]);
    }
    // Documents and the worker keep every policy; files not content-hashed keep validators.
    const all = Object.keys(securityHeaders(null)).map((name) => name.toLowerCase());
    for (const path of [
      '/',
      '/sw.js',
      '/manifest.webmanifest',
      '/api/state',
      '/missing-12345678.js',
    ]) {
      const res = await request(app).get(path);
      expect([path, all.filter((name) => res.headers[name] === undefined)]).toEqual([path, []]);
    }
    const worker = await request(app).get('/sw.js');
    expect(worker.headers['etag']).toBeDefined();
  });

  it('sends the precompressed file the browser takes: Brotli first, then gzip, else plain', async () => {
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      const path = '/chunk-IJKLMNOP.js';
      const br = await rawGet(port, path, 'gzip, deflate, br, zstd');
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.headers['content-type']).toMatch(/^(text|application)\/javascript/);
      expect(br.headers['vary']).toContain('Accept-Encoding');
      expect(br.headers['cache-control']).toContain('immutable');
      expect(br.body.length).toBeLessThan(BIG_SCRIPT.length / 10);
      expect(brotliDecompressSync(br.body).toString()).toBe(BIG_SCRIPT);
      const gz = await rawGet(port, path, 'gzip');
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gz.body).toString()).toBe(BIG_SCRIPT);
      const plain = await rawGet(port, path, 'identity');
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.toString()).toBe(BIG_SCRIPT);
    } finally {
      server.close();
    }
  });
});
