import { backoffDelayMs } from '@cryopilot/protocol';
import type { DiskOutboxStats, OutboxBatch, OutboxCursor } from '../delivery/disk-outbox.types';
import {
  classifyWriteFailure,
  describeWriteFailure,
  LineSink,
  serverRetryAfterMs,
} from './influx-line-sink';

/** The part of `DiskOutbox<string>` the pump uses. */
export interface PumpOutbox {
  peek(max: number): Promise<OutboxBatch<string>>;
  commit(cursor: OutboxCursor): Promise<void>;
  stats(): DiskOutboxStats;
}

export interface TelemetryPumpOptions {
  /** Lines per write request. */
  readonly batchSize: number;
  /** A batch that is not full waits this long for more lines (ms). */
  readonly flushIntervalMs: number;
  /** Upper bound of the delivery rate while a backlog is replayed (lines/s). */
  readonly replayPerSecond: number;
  /** First retry delay after a failure; doubles up to `maxBackoffMs` (ms). */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

/** Link state as the pump sees it. */
export type PumpLinkState =
  { readonly state: 'connected' } | { readonly state: 'disconnected'; readonly detail: string };

export interface PumpLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Counters for diagnostics and tests. */
export interface TelemetryPumpStats {
  /** Lines the server accepted since start. */
  readonly deliveredLines: number;
  /** Lines the server refused for good (HTTP 400 on the line alone), dropped and logged. */
  readonly refusedLines: number;
  /** Failed attempts since the last success. */
  readonly consecutiveFailures: number;
}

const REMINDER_EVERY_MS = 5 * 60_000;

/**
 * Moves lines from the durable outbox to the server: peek a batch, send it as one request,
 * commit it only after the server accepted it (at-least-once; InfluxDB overwrites a point
 * written twice, so a re-sent batch does no harm). On failure the batch stays on disk and is
 * retried with exponential backoff and jitter, for as long as the outage lasts.
 *
 * Runs on its own timers, never on the control loop's path; the loop only appends.
 */
export class TelemetryPump {
  private running: Promise<void> | null = null;
  private stopping = false;
  /** Set when `stop` gave up waiting: a late success must not touch the closed outbox. */
  private abandoned = false;
  private wakeUp: (() => void) | null = null;
  private failures = 0;
  private deliveredLines = 0;
  private refusedLines = 0;
  private lastState: PumpLinkState['state'] | null = null;
  private lastReminderMs = 0;
  /** Retry-After of the last failure (429/503), honoured by the backoff. */
  private lastRetryAfterMs = 0;

  constructor(
    private readonly outbox: PumpOutbox,
    private readonly sink: LineSink,
    private readonly options: TelemetryPumpOptions,
    private readonly onLinkState: (state: PumpLinkState) => void,
    private readonly logger: PumpLogger,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = this.run().catch((error: unknown) => {
      // Only the outbox's own file I/O can end up here (peek/commit failed): report it; the
      // lines stay on disk and the next start delivers them.
      this.logger.error(`telemetry delivery stopped: ${describeWriteFailure(error)}`);
    });
  }

  /**
   * Delivers what is pending for up to `graceMs` (the server may be up), then stops. A batch
   * still in flight after that is abandoned uncommitted: it stays on disk for the next start.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    if (!this.running) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), graceMs);
    });
    const finished = this.running.then(() => false);
    const gaveUp = await Promise.race([finished, timedOut]);
    clearTimeout(timer);
    if (gaveUp) this.abandoned = true;
  }

  stats(): TelemetryPumpStats {
    return {
      deliveredLines: this.deliveredLines,
      refusedLines: this.refusedLines,
      consecutiveFailures: this.failures,
    };
  }

  private async run(): Promise<void> {
    for (;;) {
      if (this.abandoned) return;
      const batch = await this.outbox.peek(this.options.batchSize);
      if (batch.cursor.count === 0) {
        if (this.stopping) return;
        await this.sleep(this.options.flushIntervalMs);
        continue;
      }
      const startedMs = Date.now();
      const delivered = await this.deliver(batch.records);
      if (this.abandoned) return;
      if (!delivered) {
        if (this.stopping) return;
        await this.sleep(this.backoffMs());
        continue;
      }
      await this.outbox.commit(batch.cursor);
      this.deliveredLines += batch.records.length;
      this.markConnected();
      if (this.stopping) continue; // drain what is left within the grace period
      // Replay is rate-limited so that catching up after an outage never swamps the Pi; a
      // batch that was not full means the backlog is gone: wait for more lines.
      const paceMs = (batch.cursor.count / this.options.replayPerSecond) * 1000;
      const elapsedMs = Date.now() - startedMs;
      const full = batch.cursor.count >= this.options.batchSize;
      await this.sleep(Math.max(paceMs - elapsedMs, full ? 0 : this.options.flushIntervalMs));
    }
  }

  /**
   * Sends `lines`; true when every line was accepted or refused for good. A batch refused as
   * a whole (400, 413) is halved until the offending lines stand alone; those are dropped
   * with an error log, the rest is delivered.
   */
  private async deliver(lines: readonly string[]): Promise<boolean> {
    if (lines.length === 0) return true;
    try {
      await this.sink.send(lines);
      return true;
    } catch (error) {
      // Any failure of the request: the classification decides between waiting and splitting.
      if (classifyWriteFailure(error) === 'retry-later') {
        this.markFailed(error);
        return false;
      }
      if (lines.length === 1) {
        this.refusedLines += 1;
        this.logger.error(
          `InfluxDB refused a line for good (${describeWriteFailure(error)}), dropped: ${lines[0].slice(0, 300)}`,
        );
        return true;
      }
      const middle = Math.ceil(lines.length / 2);
      return (
        (await this.deliver(lines.slice(0, middle))) && (await this.deliver(lines.slice(middle)))
      );
    }
  }

  private markConnected(): void {
    if (this.lastState !== 'connected') {
      const pending = this.outbox.stats().pending;
      if (this.failures > 0 || this.lastState === 'disconnected') {
        this.logger.log(
          `InfluxDB reachable again after ${this.failures} failed attempt(s); ${pending} buffered line(s) left to replay`,
        );
      } else {
        this.logger.log('InfluxDB reachable: writing telemetry');
      }
      this.lastState = 'connected';
      this.onLinkState({ state: 'connected' });
    }
    this.failures = 0;
  }

  private markFailed(error: unknown): void {
    this.failures += 1;
    this.lastRetryAfterMs = serverRetryAfterMs(error);
    const detail = describeWriteFailure(error);
    const pending = this.outbox.stats().pending;
    const now = Date.now();
    if (this.lastState !== 'disconnected') {
      this.logger.warn(
        `InfluxDB write failed (${detail}): buffering on disk, retrying with backoff; ${pending} line(s) pending`,
      );
      this.lastReminderMs = now;
    } else if (now - this.lastReminderMs >= REMINDER_EVERY_MS) {
      this.logger.warn(
        `InfluxDB still unreachable after ${this.failures} attempts (${detail}); ${pending} line(s) buffered on disk`,
      );
      this.lastReminderMs = now;
    }
    this.lastState = 'disconnected';
    this.onLinkState({ state: 'disconnected', detail });
  }

  /** The project's backoff, never shorter than what the server asked for (Retry-After). */
  private backoffMs(): number {
    const policy = {
      initialMs: this.options.minBackoffMs ?? 1000,
      maxMs: this.options.maxBackoffMs ?? 30_000,
    };
    return Math.max(backoffDelayMs(this.failures - 1, policy), this.lastRetryAfterMs);
  }

  /** Waits `ms`, or less when `stop` is called. */
  private sleep(ms: number): Promise<void> {
    if (this.stopping || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      // Pending telemetry must not keep the process alive on its own.
      timer.unref();
      this.wakeUp = done;
    });
  }
}
