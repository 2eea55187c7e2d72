import type { INestApplication } from '@nestjs/common';
import cookieParser from 'cookie-parser';
import { json, NextFunction, Request, Response } from 'express';
import { SESSION_COOKIE, SessionStore } from '../auth/session-store';
import { CommandBus } from '../commands/command-bus';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

/**
 * JSON bodies with a size limit. Malformed and oversized bodies never reach a controller:
 * they are answered here with the contract's error codes (`invalid_json`,
 * `payload_too_large`), and on `/api/commands` audited for an authenticated sender.
 */
export function installBodyParsing(app: INestApplication, limitBytes: number): void {
  const parse = json({ limit: limitBytes, strict: true });
  const errors = new BodyErrorBudget();
  app.use(cookieParser());
  app.use((req: Request, res: Response, next: NextFunction) => {
    parse(req, res, (error?: unknown) => {
      if (!error) return next();
      // Answered before Nest's throttler could count them: limited here, per address.
      if (!errors.take(req.ip ?? '?', Date.now())) {
        res.status(429).json({
          ok: false,
          error: { code: 'rate_limited', message: 'too many malformed requests: slow down' },
        });
        return;
      }
      void answerBodyError(app, req, res, error as BodyParserError);
    });
  });
}

/** Malformed bodies answered per address and minute, as many as the global throttle allows. */
const BODY_ERRORS_PER_MINUTE = 60;

/** A fixed one-minute window per address; at most 10 000 addresses remembered. */
export class BodyErrorBudget {
  private windowStart = 0;
  private readonly counts = new Map<string, number>();

  take(address: string, nowMs: number): boolean {
    if (nowMs - this.windowStart >= 60_000) {
      this.windowStart = nowMs;
      this.counts.clear();
    }
    const used = this.counts.get(address) ?? 0;
    if (used >= BODY_ERRORS_PER_MINUTE) return false;
    if (this.counts.size >= 10_000 && used === 0) return false;
    this.counts.set(address, used + 1);
    return true;
  }
}

async function answerBodyError(
  app: INestApplication,
  req: Request,
  res: Response,
  error: BodyParserError,
) {
  const tooLarge = error.type === 'entity.too.large';
  const code = tooLarge ? 'payload_too_large' : 'invalid_json';
  const status = tooLarge ? 413 : 400;
  const message = tooLarge ? 'request body too large' : 'request body is not valid JSON';
  if (req.path !== '/api/commands') {
    res.status(status).json({ ok: false, error: { code, message } });
    return;
  }
  const cookies = req.cookies as Record<string, string> | undefined;
  const session = app.get(SessionStore).get(cookies?.[SESSION_COOKIE]);
  if (!session) {
    res
      .status(401)
      .json({ id: '', ok: false, error: { code: 'forbidden', message: 'login required' } });
    return;
  }
  const result = await app
    .get(CommandBus)
    .reject(code, message, { user: session.user, role: session.role, source: 'http' });
  res.status(status).json(result);
}
