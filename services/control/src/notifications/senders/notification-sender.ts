import type { NotificationMessage } from '../notification-message';

/**
 * A delivery that failed. `permanent`: the receiver refused this message for good (sending it
 * again cannot help: it is dropped, logged and audited); otherwise it is retried with backoff
 * and holds the channel's queue until it goes through, so that order is kept.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** One channel's transport (SMTP, ntfy, webhook): the only part of notifications that does I/O. */
export abstract class NotificationSender {
  /** For logs and the link detail: never a secret. */
  abstract readonly target: string;
  /** Resolves once the receiver accepted the message; rejects with a `DeliveryError`. */
  abstract send(message: NotificationMessage): Promise<void>;
  /**
   * Checks that the receiver is reachable without sending anything (SMTP: connect and log in),
   * so a dead server shows on the diagnostics before an alarm needs it. Absent when the
   * transport has no such check (a webhook).
   */
  probe?(): Promise<void>;
  close(): void {}
}

/** The message of any error, for logs and audit lines. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
