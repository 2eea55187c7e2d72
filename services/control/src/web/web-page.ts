import { INestApplication, Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import expressStaticGzip from 'express-static-gzip';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  isHashedAsset,
  isServicePath,
  securityHeaders,
  SUBRESOURCE_HEADERS,
} from './security-headers';

/** Placeholder in `index.html` (`<app-root ngCspNonce="…">`) replaced by each response's nonce. */
export const NONCE_PLACEHOLDER = 'CSP_NONCE_PLACEHOLDER';
const YEAR_S = 365 * 24 * 3600;

/**
 * Serves the built operator page at `/` from `uiDir`: hashed assets cached for a year, every
 * other page path answered with `index.html` (the page's router takes over), security headers
 * on every response (API included; a content-hashed script or style keeps those that act on
 * it). `/api/*` and `/ws` are never touched. Without a build the API still works and `/`
 * explains how to build the page.
 *
 * Files are sent as the build precompressed them (`.br`, `.gz` beside each: Brotli when the
 * browser takes it, else gzip, else as they are), so the Pi never compresses on a request.
 */
export function installWebPage(app: INestApplication, uiDir: string): void {
  const page = new IndexPage(join(uiDir, 'index.html'));
  const hashedFiles = staticFiles(uiDir, true);
  const otherFiles = staticFiles(uiDir, false);
  app.use((_req: Request, res: Response, next: NextFunction) => {
    for (const [name, value] of Object.entries(securityHeaders(null))) res.setHeader(name, value);
    next();
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (!isPageRequest(req)) return next();
    // The page itself only with its nonce filled in, also under its file name.
    if (req.path === '/index.html') return page.send(res);
    (isHashedAsset(req.path) ? hashedFiles : otherFiles)(req, res, next);
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (!isPageRequest(req)) return next();
    // A missing asset is a 404, never the page: HTML served as a script only confuses.
    if (/\.[a-z0-9]+$/i.test(req.path)) return next();
    page.send(res);
  });
}

/**
 * The build's files as it precompressed them. A content-hashed one never changes under its
 * name: cached for a year and never revalidated, so it needs no validators (ETag,
 * Last-Modified) nor ranges; a script or style only the security headers that act on a
 * subresource (an SVG or anything else that can be opened as a document keeps them all).
 */
function staticFiles(uiDir: string, contentHashed: boolean) {
  return expressStaticGzip(uiDir, {
    enableBrotli: true,
    orderPreference: ['br', 'gzip'],
    index: false,
    serveStatic: {
      index: false,
      redirect: false,
      etag: !contentHashed,
      lastModified: !contentHashed,
      acceptRanges: !contentHashed,
      setHeaders: (res, path) => {
        res.setHeader(
          'Cache-Control',
          contentHashed ? `public, max-age=${YEAR_S}, immutable` : 'no-cache',
        );
        if (!contentHashed || !/\.(js|css)(\.br|\.gz)?$/.test(path)) return;
        for (const name of Object.keys(securityHeaders(null))) {
          if (!SUBRESOURCE_HEADERS.includes(name)) res.removeHeader(name);
        }
      },
    },
  });
}

function isPageRequest(req: Request): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && !isServicePath(req.path);
}

/** `index.html`, read once it exists, sent with a fresh style nonce each time. */
class IndexPage {
  private readonly logger = new Logger(IndexPage.name);
  private html: string | null = null;
  private warned = false;

  constructor(private readonly path: string) {
    this.load();
  }

  send(res: Response): void {
    const html = this.html ?? this.load();
    res.setHeader('Cache-Control', 'no-cache');
    if (html === null) {
      res
        .status(503)
        .type('text/plain')
        .send(
          'The operator page is not built. Run `npm run build` (or `make build`), then reload.\n',
        );
      return;
    }
    const nonce = randomBytes(16).toString('base64');
    res.setHeader('Content-Security-Policy', securityHeaders(nonce)['Content-Security-Policy']);
    res.status(200).type('text/html').send(html.replaceAll(NONCE_PLACEHOLDER, nonce));
  }

  private load(): string | null {
    try {
      this.html = readFileSync(this.path, 'utf8');
    } catch {
      // Not built yet (a fresh checkout running only the API): the page explains, the API works.
      if (!this.warned) this.logger.warn(`operator page not built: ${this.path} is missing`);
      this.warned = true;
      this.html = null;
    }
    return this.html;
  }
}
