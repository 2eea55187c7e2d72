import { alarmIdSchema, alarmStateSchema, isoTimestamp, severitySchema } from '@cryopilot/protocol';
import { z } from 'zod';

/** What a notification tells: an alarm transition, a reminder, or a test. */
export const NOTIFICATION_KINDS = ['raised', 'cleared', 'acknowledged', 'repeat', 'test'] as const;

/** One thing to tell people; stored in the outboxes, so validated when read back. */
export const notificationEventSchema = z.strictObject({
  kind: z.enum(NOTIFICATION_KINDS),
  /** The alarm as it was at the transition (a test carries none). */
  alarm: z
    .strictObject({
      id: alarmIdSchema,
      severity: severitySchema,
      message: z.string().max(500),
      state: alarmStateSchema,
    })
    .nullable(),
  /** When it happened (wall clock). */
  ts: isoTimestamp,
  /** Who acknowledged (acknowledged) or asked for it (test). */
  by: z.string().max(128).optional(),
  /** Reminder number, from 1 (repeat only). */
  repeat: z.number().int().min(1).optional(),
  /** This repeat also goes to the escalation channels. */
  escalated: z.boolean().optional(),
});
export type NotificationEvent = z.infer<typeof notificationEventSchema>;

/** One event for one channel: what the planner decides and the outbox stores. */
export interface Delivery {
  readonly channel: string;
  readonly event: NotificationEvent;
}
