import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { AppConfig } from '../config/config.schema';

/** HSTS: a year, as browsers and the HSTS guidance expect once HTTPS works. */
const HSTS = 'max-age=31536000';

export interface HttpsFiles {
  readonly cert: Buffer;
  readonly key: Buffer;
}

/**
 * The certificate and key of `http.tls`, read and checked together (a key that does not match
 * the certificate fails here, at start-up, not at the first browser). Problems are returned
 * (the config check lists them with the others), never thrown.
 */
export function readHttpsFiles(
  tls: NonNullable<AppConfig['http']['tls']>,
  problems: string[],
): HttpsFiles | null {
  const read = (field: 'certFile' | 'keyFile'): Buffer | null => {
    try {
      return readFileSync(tls[field]);
    } catch (error) {
      problems.push(
        `http.tls.${field}: cannot read ${tls[field]} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      );
      return null;
    }
  };
  const cert = read('certFile');
  const key = read('keyFile');
  if (!cert || !key) return null;
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    problems.push(`http.tls: certificate and key unusable together (${(error as Error).message})`);
    return null;
  }
  return { cert, key };
}

/** Over HTTPS, browsers are told to come back only over HTTPS (HSTS). */
export function installHsts(app: INestApplication): void {
  app.use((_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Strict-Transport-Security', HSTS);
    next();
  });
}
