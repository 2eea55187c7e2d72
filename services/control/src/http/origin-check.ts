import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { isSameOrigin } from '../gateway/session-cookie';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses state-changing requests sent by a page of another origin, as the WebSocket upgrade
 * does: the session cookie is SameSite=Strict already, this is the second, independent check
 * (OWASP CSRF defence in depth). Requests without `Origin` (curl, scripts, integrations) pass:
 * browsers always send it on cross-origin POSTs.
 */
export function installOriginCheck(app: INestApplication): void {
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method) || isSameOrigin(req.headers.origin, req.headers.host)) {
      return next();
    }
    res
      .status(403)
      .json({ ok: false, error: { code: 'forbidden', message: 'cross-origin request refused' } });
  });
}
