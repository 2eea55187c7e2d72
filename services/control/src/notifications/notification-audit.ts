import type { AuditRecord } from '@cryopilot/protocol';
import { serviceAuditRecord } from '../audit/service-audit-record';
import type { NotificationMessage } from './notification-message';

/** The audit `command` of every notification line. */
export const NOTIFICATION_AUDIT_COMMAND = 'notification.send';

export type NotificationOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: string; readonly willRetry: boolean };

/**
 * The audit line of a notification sent or failed: source `service` (the service acted on
 * its own), user `system` — or, for a test, the admin who asked for it.
 */
export function notificationAuditRecord(
  channel: string,
  message: NotificationMessage,
  outcome: NotificationOutcome,
  ts: string,
): AuditRecord {
  const { event } = message;
  return serviceAuditRecord({
    ts,
    user: event.kind === 'test' ? (event.by ?? 'system') : 'system',
    command: NOTIFICATION_AUDIT_COMMAND,
    args: {
      channel,
      notification: message.id,
      kind: event.kind,
      ...(event.alarm ? { alarmId: event.alarm.id, severity: event.alarm.severity } : {}),
      ...(event.repeat ? { repeat: event.repeat } : {}),
      ...(event.escalated ? { escalated: true } : {}),
    },
    ok: outcome.ok,
    error: outcome.ok
      ? undefined
      : {
          code: 'delivery_failed',
          message: `${outcome.reason} (${outcome.willRetry ? 'kept, retrying' : 'dropped'})`,
        },
  });
}

/** The audit line of notifications lost without being tried: the outbox bound, a full disk. */
export function lostAuditRecord(channel: string, count: number, ts: string): AuditRecord {
  return serviceAuditRecord({
    ts,
    command: NOTIFICATION_AUDIT_COMMAND,
    args: { channel, lost: count },
    ok: false,
    error: {
      code: 'delivery_failed',
      message: `${count} notification(s) lost: outbox full or the disk refused them`,
    },
  });
}
