import { HttpError, InfluxDB, setLogger, WriteApi } from '@influxdata/influxdb-client';
import { Logger } from '@nestjs/common';

/** Where delivered lines go: resolves once the server accepted all of them (HTTP 204). */
export interface LineSink {
  send(lines: readonly string[]): Promise<void>;
  close(): void;
}

/** Connection settings of `InfluxLineSink`. */
export interface InfluxLineSinkOptions {
  readonly url: string;
  readonly token?: string;
  readonly org: string;
  readonly bucket: string;
  /** Largest batch `send` will be given (the pump's batch size). */
  readonly maxLines: number;
  /** Socket timeout of one write request (ms). */
  readonly timeoutMs?: number;
}

/**
 * The InfluxDB v2 write API (`/api/v2/write?precision=ms`, gzip above 1 kB) behind `LineSink`.
 *
 * The client's own retry buffer is switched off (`maxRetries: 0`) on purpose: it lives in RAM,
 * gives up after `maxRetryTime` and would re-send a batch in the background while the pump,
 * which reads from the durable outbox, also retries it. Here every `send` is exactly one
 * request whose outcome the caller sees; retries with backoff are the pump's job.
 */
export class InfluxLineSink implements LineSink {
  private readonly writeApi: WriteApi;

  constructor(private readonly options: InfluxLineSinkOptions) {
    routeClientLogs();
    const client = new InfluxDB({
      url: options.url,
      token: options.token,
      timeout: options.timeoutMs ?? 10_000,
    });
    this.writeApi = client.getWriteApi(options.org, options.bucket, 'ms', {
      // One more than the pump's batch: the client must never split or auto-flush a batch on
      // its own (an auto-flush's outcome is swallowed), so `flush()` is that one request.
      batchSize: options.maxLines + 1,
      maxBatchBytes: 50_000_000,
      // No timer: the pump decides when to send.
      flushInterval: 0,
      maxRetries: 0,
      gzipThreshold: 1000,
    });
  }

  async send(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    if (lines.length > this.options.maxLines) {
      throw new RangeError(`batch of ${lines.length} lines > ${this.options.maxLines}`);
    }
    this.writeApi.writeRecords([...lines]);
    await this.writeApi.flush();
  }

  /** Drops whatever is buffered (nothing is: `send` always flushes) and stops timers. */
  close(): void {
    this.writeApi.dispose();
  }
}

/** What to do with a batch the server refused. */
export type WriteFailureAction = 'retry-later' | 'split';

/**
 * 400 (a line the server will never accept, e.g. a field type conflict) and 413 (batch too
 * large) cannot be fixed by waiting: the batch is split to isolate the offending lines.
 * Everything else — network errors, timeouts, 429, 5xx, and also 401/403/404, which a
 * corrected token or a created bucket cures — is retried later from the outbox.
 */
export function classifyWriteFailure(error: unknown): WriteFailureAction {
  if (error instanceof HttpError && (error.statusCode === 400 || error.statusCode === 413)) {
    return 'split';
  }
  return 'retry-later';
}

/** Delay the server asked for (Retry-After on 429/503), or 0. */
export function serverRetryAfterMs(error: unknown): number {
  return error instanceof HttpError ? error.retryAfter() : 0;
}

/** Short, secret-free description of a write failure for logs and `/api/health`. */
export function describeWriteFailure(error: unknown): string {
  if (error instanceof HttpError) {
    const reason = error.body ? `: ${error.body.slice(0, 200)}` : '';
    return `HTTP ${error.statusCode}${reason}`;
  }
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code ? `${code} ${error.message}` : error.message;
  }
  return String(error);
}

let clientLogsRouted = false;

/**
 * The client logs every failed request to the console; the pump already reports failures
 * (once per outage), so the client's own lines go to the debug level of the Nest logger.
 */
function routeClientLogs(): void {
  if (clientLogsRouted) return;
  clientLogsRouted = true;
  const logger = new Logger('InfluxClient');
  setLogger({
    error: (message: string) => logger.debug(message),
    warn: (message: string) => logger.debug(message),
  });
}
