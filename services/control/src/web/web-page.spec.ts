import type { INestApplication } from '@nestjs/common';
import express from 'express';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { installWebPage, NONCE_PLACEHOLDER } from './web-page';

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

  it('serves hashed assets for a year, a missing asset as 404, the API untouched', async () => {
    const asset = await request(app).get('/main-ABCDEFGH.js').expect(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    await request(app).get('/missing-12345678.js').expect(404);
    await request(app).get('/api/state').expect(200, { ok: true });
  });
});
