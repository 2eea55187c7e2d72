import type { Alarm } from '@cryopilot/protocol';
import type { NotificationEvent } from './notification-event';

export interface RepeatPolicy {
  /** 0: no repeats. */
  readonly everyMs: number;
  /** Repeats after this many also go to the escalation channels; null: no escalation. */
  readonly escalateAfter: number | null;
}

interface Pending {
  readonly dueMono: number;
  readonly count: number;
}

/**
 * Reminders for critical alarms nobody has answered: while a critical alarm stays active and
 * unacknowledged, one `repeat` every `everyMs`; it stops at the acknowledgement or when the
 * condition clears. Pure: times are the monotonic clock of the caller (simulated time in tests).
 */
export class RepeatSchedule {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly policy: RepeatPolicy) {}

  /**
   * Brings the schedule up to date with the book and returns the reminders due at `nowMono`
   * (at most one per alarm, however late the call: a stalled caller does not send a burst).
   */
  update(alarms: readonly Alarm[], nowMono: number, ts: string): NotificationEvent[] {
    if (this.policy.everyMs <= 0) return [];
    const due: NotificationEvent[] = [];
    const waiting = new Set<string>();
    for (const alarm of alarms) {
      if (alarm.severity !== 'critical' || !alarm.active || alarm.acked) continue;
      waiting.add(alarm.id);
      const entry = this.pending.get(alarm.id);
      if (!entry) {
        this.pending.set(alarm.id, { dueMono: nowMono + this.policy.everyMs, count: 0 });
        continue;
      }
      if (nowMono < entry.dueMono) continue;
      const count = entry.count + 1;
      this.pending.set(alarm.id, { dueMono: nowMono + this.policy.everyMs, count });
      const escalated = this.policy.escalateAfter !== null && count > this.policy.escalateAfter;
      due.push({
        kind: 'repeat',
        alarm: {
          id: alarm.id,
          severity: alarm.severity,
          message: alarm.message,
          state: alarm.state,
        },
        ts,
        repeat: count,
        ...(escalated ? { escalated: true } : {}),
      });
    }
    // Acknowledged, cleared (or no longer critical): no more reminders for it.
    for (const id of this.pending.keys()) if (!waiting.has(id)) this.pending.delete(id);
    return due;
  }

  /** Alarms currently waiting for a reminder (tests, diagnostics). */
  waitingIds(): string[] {
    return [...this.pending.keys()];
  }
}
