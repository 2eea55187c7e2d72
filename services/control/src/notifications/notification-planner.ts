import type { Alarm } from '@cryopilot/protocol';
import type { Instant } from '../clock/clock';
import { AlarmTransitions } from './alarm-transitions';
import type { Delivery } from './notification-event';
import { route, RoutingPolicy } from './notification-router';
import { RepeatPolicy, RepeatSchedule } from './repeat-schedule';

export interface PlannerPolicy {
  readonly routing: RoutingPolicy;
  readonly repeat: RepeatPolicy;
  /** True when `wallMs` lies in the quiet hours. */
  readonly isQuiet: (wallMs: number) => boolean;
}

/**
 * Decides what is sent to whom, without I/O: alarm transitions and critical reminders, routed
 * by severity and transition per channel, quiet hours applied. The service feeds it views of
 * the alarm book and hands the deliveries to the channels' outboxes.
 */
export class NotificationPlanner {
  private readonly transitions = new AlarmTransitions();
  private readonly repeats: RepeatSchedule;

  constructor(private readonly policy: PlannerPolicy) {
    this.repeats = new RepeatSchedule(policy.repeat);
  }

  /**
   * The first view after a start: nothing is announced again, but critical alarms still
   * unanswered get their reminders from now on.
   */
  start(alarms: readonly Alarm[], now: Instant): void {
    this.transitions.baseline(alarms);
    this.repeats.update(alarms, now.mono, iso(now.wall));
  }

  /** The deliveries for this view of the book: transitions first, then reminders due. */
  next(alarms: readonly Alarm[], now: Instant): Delivery[] {
    const ts = iso(now.wall);
    const events = [
      ...this.transitions.next(alarms, ts),
      ...this.repeats.update(alarms, now.mono, ts),
    ];
    const quiet = this.policy.isQuiet(now.wall);
    return events.flatMap((event) => route(event, this.policy.routing, quiet));
  }
}

function iso(wallMs: number): string {
  return new Date(wallMs).toISOString();
}
