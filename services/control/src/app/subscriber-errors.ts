import { config as rxjsConfig } from 'rxjs';

/**
 * rxjs rethrows an error thrown by a subscriber asynchronously (`reportUnhandledError`), where
 * it becomes an uncaught exception: the process's fatal handler would then stop control for a
 * failure in a reporting consumer (links, audit, WebSocket). Log such errors instead. The
 * control loop's own fan-out does not go through rxjs (see `IsolatedListeners`); this covers
 * the other subjects.
 */
export function logSubscriberErrors(log: (message: string) => void): void {
  rxjsConfig.onUnhandledError = (error: unknown) =>
    log(
      `a subscriber failed (control unaffected): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
}
