import { inject, Injectable, signal } from '@angular/core';
import type { CommandError } from '@cryopilot/protocol';
import { commandMessage, newCommandId } from './messages';
import { RealtimeConnection } from './realtime-connection';
import { RealtimeState } from './realtime-state';

/** The page-side failures on top of the service's error codes. */
export type CommandFailure =
  CommandError | { code: 'not_connected' | 'connection_lost' | 'timeout'; message: string };

export type CommandOutcome =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly error: CommandFailure };

/** No answer within this time: the page says so instead of waiting forever. */
const RESULT_TIMEOUT_MS = 10_000;

/**
 * Sends commands over the WebSocket and resolves each with its one result. While the
 * connection is down a command fails at once (`not_connected`): nothing is queued, so an
 * outage can never replay a click. Commands in flight when the connection drops fail with
 * `connection_lost` (the page cannot know whether they ran; the fresh snapshot will show).
 */
@Injectable({ providedIn: 'root' })
export class CommandSender {
  private readonly connection = inject(RealtimeConnection);
  private readonly state = inject(RealtimeState);
  private readonly pending = new Map<string, (outcome: CommandOutcome) => void>();
  private readonly busySignal = signal(0);
  /** Commands waiting for their result. */
  readonly inFlight = this.busySignal.asReadonly();

  constructor() {
    this.connection.onMessage((message) => {
      if (message.type !== 'command-result') return;
      const outcome: CommandOutcome = message.ok
        ? { ok: true, result: message.result }
        : {
            ok: false,
            error: message.error ?? { code: 'internal', message: 'no error details' },
          };
      this.settle(message.id, outcome);
    });
    this.connection.onDrop(() => {
      for (const id of [...this.pending.keys()]) {
        this.settle(id, {
          ok: false,
          error: {
            code: 'connection_lost',
            message: 'connection lost before the result arrived',
          },
        });
      }
    });
  }

  /** Sends `name` with `args`; resolves with the service's result (never rejects). */
  send(name: string, args: Record<string, unknown> = {}): Promise<CommandOutcome> {
    const id = newCommandId();
    const sent = this.connection.send(commandMessage(id, name, args, this.state.serverNowMs()));
    if (!sent) {
      return Promise.resolve({
        ok: false,
        error: { code: 'not_connected', message: 'not connected: nothing was sent' },
      });
    }
    this.busySignal.update((n) => n + 1);
    return new Promise((resolve) => {
      const timer = setTimeout(
        () =>
          this.settle(id, {
            ok: false,
            error: { code: 'timeout', message: 'no answer from the service' },
          }),
        RESULT_TIMEOUT_MS,
      );
      this.pending.set(id, (outcome) => {
        clearTimeout(timer);
        resolve(outcome);
      });
    });
  }

  private settle(id: string, outcome: CommandOutcome): void {
    const resolve = this.pending.get(id);
    if (!resolve) return;
    this.pending.delete(id);
    this.busySignal.update((n) => n - 1);
    resolve(outcome);
  }
}
