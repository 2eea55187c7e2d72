/** The outcome of `notifications.test`. */
export type TestNotificationOutcome =
  | { readonly ok: true; readonly queued: readonly string[] }
  | { readonly ok: false; readonly code: 'invalid_args' | 'refused'; readonly message: string };

/** What the command handlers may do with notifications: ask for a test (admin). */
export abstract class NotificationTests {
  /** Queues a test notification on `channel`, or on every channel; never waits for delivery. */
  abstract sendTest(channel: string | undefined, user: string): TestNotificationOutcome;
}
