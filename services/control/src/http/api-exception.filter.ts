import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  429: 'rate_limited',
  503: 'unavailable',
};

/**
 * Every API error has one JSON shape, `{ ok: false, error: { code, message } }`, like command
 * results. On `/api/commands` an authentication failure is the contract's `forbidden`.
 * Unexpected errors are logged with their stack and answered `internal` without details.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(ApiExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const isCommand = req.path === '/api/commands';
      const code =
        isCommand && (status === 401 || status === 403) ? 'forbidden' : (CODES[status] ?? 'error');
      const body = { ok: false, error: { code, message: messageOf(exception) } };
      res.status(status).json(isCommand ? { id: commandId(req.body), ...body } : body);
      return;
    }
    this.logger.error(
      `${req.method} ${req.path} failed`,
      exception instanceof Error ? exception.stack : String(exception),
    );
    res
      .status(HttpStatus.INTERNAL_SERVER_ERROR)
      .json({ ok: false, error: { code: 'internal', message: 'internal error' } });
  }
}

function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  return Array.isArray(message)
    ? message.join('; ')
    : typeof message === 'string'
      ? message
      : exception.message;
}

export function commandId(body: unknown): string {
  const id = (body as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' && id.length <= 64 ? id : '';
}
