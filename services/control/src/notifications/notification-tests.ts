import { Injectable } from '@nestjs/common';

/** The outcome of `notifications.test`. */
export type TestNotificationOutcome =
  | { readonly ok: true; readonly queued: readonly string[] }
  | { readonly ok: false; readonly code: 'invalid_args' | 'refused'; readonly message: string };

type TestSender = (channel: string | undefined, user: string) => TestNotificationOutcome;

/**
 * What the command handlers may do with notifications: ask for a test (admin). A leaf with no
 * dependencies on purpose: the command module imports it without importing the notifications
 * module (and, through it, control), which would move control's place in Nest's module order
 * ahead of the hardware module that opens the bus. The notifications service attaches itself.
 */
@Injectable()
export class NotificationTests {
  private sender: TestSender | null = null;

  /** Called by the notifications service once its channels are open. */
  attach(sender: TestSender): void {
    this.sender = sender;
  }

  /** Queues a test notification on `channel`, or on every channel; never waits for delivery. */
  sendTest(channel: string | undefined, user: string): TestNotificationOutcome {
    if (!this.sender) {
      return { ok: false, code: 'refused', message: 'no notification channel is configured' };
    }
    return this.sender(channel, user);
  }
}
