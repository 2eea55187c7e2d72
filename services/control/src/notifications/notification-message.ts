import type { Severity } from '@cryopilot/protocol';
import type { NotificationEvent } from './notification-event';

/** A notification ready for any channel: the same words by email, ntfy and webhook. */
export interface NotificationMessage {
  /** Stable per stored notification: receivers can drop an at-least-once duplicate. */
  readonly id: string;
  readonly deviceId: string;
  /** Urgency for the channel (a test is `info`). */
  readonly priority: Severity;
  readonly title: string;
  readonly text: string;
  readonly event: NotificationEvent;
}

const VERB: Record<NotificationEvent['kind'], string> = {
  raised: 'ALARM',
  cleared: 'cleared',
  acknowledged: 'acknowledged',
  repeat: 'STILL UNACKNOWLEDGED',
  test: 'test notification',
};

/** The words of a notification (pure). */
export function composeMessage(
  id: string,
  deviceId: string,
  event: NotificationEvent,
): NotificationMessage {
  const alarm = event.alarm;
  if (event.kind === 'test' || alarm === null) {
    return {
      id,
      deviceId,
      priority: 'info',
      title: `[${deviceId}] test notification`,
      text:
        `Test notification from CryoPilot ${deviceId}, requested by ${event.by ?? 'unknown'} ` +
        `at ${event.ts}. This channel works.`,
      event,
    };
  }
  const severity = alarm.severity.toUpperCase();
  const title = `[${deviceId}] ${severity} ${VERB[event.kind]}: ${alarm.message}`;
  const lines = [
    `${alarm.message} (${alarm.id}, ${alarm.severity})`,
    `Event: ${event.kind}${event.repeat ? ` #${event.repeat}` : ''}${event.escalated ? ' (escalated)' : ''}`,
    `State: ${alarm.state}`,
    ...(event.by ? [`By: ${event.by}`] : []),
    `Time: ${event.ts}`,
    `Device: ${deviceId}`,
  ];
  if (event.kind === 'raised' || event.kind === 'repeat') {
    lines.push('', 'Acknowledge it on the operator page (or with the alarm.ack command).');
  }
  return { id, deviceId, priority: alarm.severity, title, text: lines.join('\n'), event };
}
