import { HttpError, InfluxDB, setLogger, WriteApi } from '@influxdata/influxdb-client';
import { Logger } from '@nestjs/common';
import type { TokenFile } from './token-file';

/** Where delivered lines go: resolves once the server accepted all of them (HTTP 204). */
export interface LineSink {
  send(lines: readonly string[]): Promise<void>;
  close(): void;
}

/** Connection settings of `InfluxLineSink`. */
export interface InfluxLineSinkOptions {
  readonly url: string;
  readonly token?: string;
  /** Where the token is read from instead (re-read when it changes or is refused). */
  readonly tokenFile?: TokenFile;
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
  private writeApi: WriteApi | null = null;
  /** The token `writeApi` was made with. */
  private writeApiToken: string | undefined;

  constructor(private readonly options: InfluxLineSinkOptions) {
    routeClientLogs();
  }

  async send(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    if (lines.length > this.options.maxLines) {
      throw new RangeError(`batch of ${lines.length} lines > ${this.options.maxLines}`);
    }
    const { tokenFile } = this.options;
    const writeApi = this.api(tokenFile ? tokenFile.current() : this.options.token);
    writeApi.writeRecords([...lines]);
    try {
      await writeApi.flush();
    } catch (error) {
      // A refused token may have been replaced in the file (rotation): read it again.
      if (tokenFile && error instanceof HttpError && [401, 403].includes(error.statusCode)) {
        tokenFile.invalidate();
      }
      throw error;
    }
  }

  /** Drops whatever is buffered (nothing is: `send` always flushes) and stops timers. */
  close(): void {
    this.writeApi?.dispose();
    this.writeApi = null;
  }

  /** The write API for `token`, made again when the token changed. */
  private api(token: string | undefined): WriteApi {
    if (this.writeApi && this.writeApiToken === token) return this.writeApi;
    this.writeApi?.dispose();
    const client = new InfluxDB({
      url: this.options.url,
      token,
      timeout: this.options.timeoutMs ?? 10_000,
    });
    this.writeApi = client.getWriteApi(this.options.org, this.options.bucket, 'ms', {
      // One more than the pump's batch: the client must never split or auto-flush a batch on
      // its own (an auto-flush's outcome is swallowed), so `flush()` is that one request.
      batchSize: this.options.maxLines + 1,
      maxBatchBytes: 50_000_000,
      // No timer: the pump decides when to send.
      flushInterval: 0,
      maxRetries: 0,
      gzipThreshold: 1000,
    });
    this.writeApiToken = token;
    return this.writeApi;
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
