import { backoffDelayMs, BackoffPolicy } from '@cryopilot/protocol';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { DiskOutbox } from '../delivery/disk-outbox';
import type { DiskOutboxStats } from '../delivery/disk-outbox.types';
import { StoreAndForward, StreamSink } from '../delivery/store-and-forward';
import { notificationEventSchema, type NotificationEvent } from './notification-event';
import { composeMessage, type NotificationMessage } from './notification-message';
import { DeliveryError, describeError, NotificationSender } from './senders/notification-sender';

/** One notification for one channel, as kept in that channel's outbox. */
const storedSchema = z.strictObject({ id: z.uuid(), event: notificationEventSchema });
export type StoredNotification = z.infer<typeof storedSchema>;

/**
 * Sends at most this many a second after an outage. At ≤ 10/s store-and-forward hands out one
 * record per batch, so a failure holds exactly that record and order is kept.
 */
const SEND_PER_SECOND = 5;

export interface ChannelOptions {
  readonly name: string;
  readonly deviceId: string;
  readonly dir: string;
  readonly maxBytes: number;
  readonly backoff: BackoffPolicy;
  /** 0: never probe. */
  readonly probeIntervalMs: number;
}

/** What the channel reports; the service turns it into links, audit lines, alarm and logs. */
export interface ChannelReports {
  link(state: 'connected' | 'connecting' | 'disconnected', detail: string): void;
  sent(message: NotificationMessage): void;
  /** `willRetry`: it stays queued (reported once per message, at its first failure). */
  failed(message: NotificationMessage, reason: string, willRetry: boolean): void;
  /** Notifications lost: dropped at the outbox bound, or refused by the disk. */
  lost(count: number): void;
  error(message: string): void;
}

export interface ChannelStats {
  readonly sent: number;
  readonly refused: number;
  readonly failedAttempts: number;
  readonly outbox: DiskOutboxStats;
}

/**
 * One notification channel's delivery: the project's disk outbox and store-and-forward (as for
 * MQTT), with a retry policy around them. Every notification is appended to the outbox
 * (bounded, oldest dropped first and counted, survives restarts) and sent from there oldest
 * first, one at a time. A failed send detaches the sink — the notification stays at the head —
 * and re-attaches after the backoff: retries for as long as the outage lasts, in order,
 * at-least-once. Nothing here is awaited by the control loop: `enqueue` only appends.
 */
export class NotificationChannel {
  private readonly outbox: DiskOutbox<StoredNotification>;
  private forward: StoreAndForward<StoredNotification> | null = null;
  private readonly sink: StreamSink<StoredNotification> = {
    send: (record) => this.deliver(record),
  };
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private probeTimer: NodeJS.Timeout | null = null;
  private probing = false;
  /** The notification whose failure was last reported, so a retry loop reports it once. */
  private lastFailedId: string | null = null;
  private sent = 0;
  private refused = 0;
  private failedAttempts = 0;

  constructor(
    private readonly options: ChannelOptions,
    private readonly sender: NotificationSender,
    private readonly reports: ChannelReports,
  ) {
    this.outbox = new DiskOutbox<StoredNotification>(
      { dir: options.dir, maxBytes: options.maxBytes },
      { warn: (m) => reports.error(m), error: (m) => reports.error(m) },
    );
  }

  get name(): string {
    return this.options.name;
  }

  /** Opens the outbox (what an earlier run left is sent first) and starts delivering. */
  async open(): Promise<void> {
    await this.outbox.open();
    this.outbox.onDrop((count) => this.reports.lost(count));
    this.forward = new StoreAndForward(
      this.outbox,
      { maxInFlight: 0, replayPerSecond: SEND_PER_SECOND, decode: decodeStored },
      (message) => this.reports.error(message),
    );
    const pending = this.outbox.stats().pending;
    this.reports.link(
      'connecting',
      `${this.sender.target}: ${pending > 0 ? `${pending} to send from before the restart` : 'nothing sent yet'}`,
    );
    this.forward.attach(this.sink);
    if (this.options.probeIntervalMs > 0 && this.sender.probe) {
      this.probeTimer = setInterval(() => this.probeIfIdle(), this.options.probeIntervalMs);
      this.probeTimer.unref();
      this.probeIfIdle();
    }
  }

  /** Queues `event` for this channel. Synchronous; a disk that refuses it is reported (`lost`). */
  enqueue(event: NotificationEvent): void {
    this.forward?.submit({ id: randomUUID(), event });
  }

  stats(): ChannelStats {
    return {
      sent: this.sent,
      refused: this.refused,
      failedAttempts: this.failedAttempts,
      outbox: this.outbox.stats(),
    };
  }

  /** Stops sending (what is queued stays on disk for the next start) and closes. */
  async close(): Promise<void> {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.retryTimer = null;
    this.probeTimer = null;
    await this.forward?.stop();
    this.forward = null;
    this.sender.close();
    await this.outbox.close();
  }

  /** The sink's send: resolves when the notification is done with (sent, or refused for good). */
  private async deliver(record: StoredNotification): Promise<void> {
    const message = composeMessage(record.id, this.options.deviceId, record.event);
    try {
      await this.sender.send(message);
    } catch (error) {
      const failure =
        error instanceof DeliveryError ? error : new DeliveryError(describeError(error), false);
      this.failedAttempts += 1;
      if (failure.permanent) {
        // The receiver answered: the link works, this message never will. Drop it, say so.
        this.refused += 1;
        this.reports.failed(message, failure.message, false);
        this.markUp(1);
        return;
      }
      this.retryLater(record.id, message, failure.message);
      throw failure;
    }
    this.sent += 1;
    this.lastFailedId = null;
    this.reports.sent(message);
    // It leaves the outbox at the commit that follows: not queued any more.
    this.markUp(1);
  }

  private retryLater(id: string, message: NotificationMessage, reason: string): void {
    this.failures += 1;
    if (this.lastFailedId !== id) {
      this.lastFailedId = id;
      this.reports.failed(message, reason, true);
    }
    const delayMs = backoffDelayMs(this.failures - 1, this.options.backoff);
    this.reports.link(
      'disconnected',
      `${reason}; retry in ${(delayMs / 1000).toFixed(1)} s; ${this.figures()}`,
    );
    // The head stays in the outbox; nothing is sent until the retry re-attaches.
    this.forward?.detach();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.forward?.attach(this.sink);
    }, delayMs);
    this.retryTimer.unref();
  }

  /** `done`: notifications just dealt with that the outbox has not committed yet. */
  private markUp(done = 0): void {
    this.failures = 0;
    this.reports.link('connected', `${this.sender.target}; ${this.figures(done)}`);
  }

  /** Reachability check while nothing is queued or being retried (a send says more). */
  private probeIfIdle(): void {
    if (!this.sender.probe || this.probing || this.retryTimer !== null) return;
    if (this.outbox.stats().pending > 0) return;
    this.probing = true;
    this.sender.probe().then(
      () => {
        this.probing = false;
        if (this.retryTimer === null) this.markUp();
      },
      (error: unknown) => {
        this.probing = false;
        if (this.retryTimer !== null) return;
        this.reports.link(
          'disconnected',
          `${this.sender.target}: ${describeError(error)} (reachability check); ${this.figures()}`,
        );
      },
    );
  }

  private figures(done = 0): string {
    const s = this.outbox.stats();
    const lost = s.dropped + s.writeFailed;
    const queued = Math.max(0, s.pending - done);
    return `${this.sent} sent, ${queued} queued${lost > 0 ? `, ${lost} lost` : ''}`;
  }
}

function decodeStored(raw: unknown): StoredNotification | null {
  const parsed = storedSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
