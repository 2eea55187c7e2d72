import type { Alarm } from '@cryopilot/protocol';
import type { NotificationEvent } from './notification-event';

interface Seen {
  readonly active: boolean;
  readonly acked: boolean;
}

/**
 * Turns successive views of the alarm book into the transitions people are told about. The
 * book reports raise and clear in each tick's events, but an acknowledgement (or a shelve,
 * which acknowledges) happens in a command between ticks and appears in no event: comparing
 * views catches all three the same way. Pure: the caller supplies the alarms and the time.
 *
 * - raised: the alarm became active and unacknowledged (newly active, or annunciated again
 *   when its shelf expired while still active);
 * - cleared: the condition went away;
 * - acknowledged: it was acknowledged (or shelved, which acknowledges).
 */
export class AlarmTransitions {
  private readonly seen = new Map<string, Seen>();

  /**
   * Takes the first view without reporting anything: alarms already raised before the start
   * were announced by the previous run (or are restored latches).
   */
  baseline(alarms: readonly Alarm[]): void {
    this.seen.clear();
    for (const a of alarms) this.seen.set(a.id, { active: a.active, acked: a.acked });
  }

  /** The transitions since the last view, in the book's order. */
  next(alarms: readonly Alarm[], ts: string): NotificationEvent[] {
    const events: NotificationEvent[] = [];
    for (const alarm of alarms) {
      const before = this.seen.get(alarm.id) ?? { active: false, acked: true };
      this.seen.set(alarm.id, { active: alarm.active, acked: alarm.acked });
      const summary = {
        id: alarm.id,
        severity: alarm.severity,
        message: alarm.message,
        state: alarm.state,
      };
      const raisedNow = alarm.active && !alarm.acked;
      const raisedBefore = before.active && !before.acked;
      if (raisedNow && !raisedBefore) events.push({ kind: 'raised', alarm: summary, ts });
      if (before.active && !alarm.active) events.push({ kind: 'cleared', alarm: summary, ts });
      if (!before.acked && alarm.acked) {
        const by = alarm.ackedBy ?? alarm.shelvedBy ?? undefined;
        events.push({ kind: 'acknowledged', alarm: summary, ts, ...(by ? { by } : {}) });
      }
    }
    return events;
  }
}
