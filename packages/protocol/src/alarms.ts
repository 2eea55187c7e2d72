import { z } from 'zod';
import { isoTimestamp } from './common';

export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export const severitySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof severitySchema>;

/**
 * ISA-18.2 alarm states as one value:
 * - `normal`: condition clear, nothing to acknowledge;
 * - `active-unacked` / `active-acked`: condition present;
 * - `cleared-unacked`: returned to normal, not yet acknowledged;
 * - `latched`: a latching alarm whose condition cleared; needs `alarm.reset`;
 * - `shelved`: hidden by an admin until `shelvedUntil` (never for critical alarms).
 */
export const ALARM_STATES = [
  'normal',
  'active-unacked',
  'active-acked',
  'cleared-unacked',
  'latched',
  'shelved',
] as const;
export const alarmStateSchema = z.enum(ALARM_STATES);
export type AlarmState = z.infer<typeof alarmStateSchema>;

/** The default alarm set (docs/safety.md), plus `level_high_high` (overfill). */
export const ALARM_IDS = [
  'o2_low',
  'o2_low_low',
  'o2_high',
  'o2_sensor_fault',
  'level_low',
  'level_high_high',
  'level_sensor_fault',
  'fill_timeout',
  'hardware_fault',
  'supply_voltage',
  'telemetry_outbox_overflow',
  'notification_outbox_overflow',
  'mqtt_outbox_overflow',
  'disk_space_low',
  'boiloff_high',
  'supply_slow',
  'o2_maintenance_due',
] as const;
export const alarmIdSchema = z.string().regex(/^[a-z][a-z0-9_]{0,47}$/, 'invalid alarm id');
export type AlarmId = string;

export const alarmSchema = z.strictObject({
  id: alarmIdSchema,
  severity: severitySchema,
  message: z.string(),
  state: alarmStateSchema,
  /** Condition present (after on-delay, before off-delay/deadband release). */
  active: z.boolean(),
  acked: z.boolean(),
  latching: z.boolean(),
  /** When the alarm last became active (null if never). */
  activeSince: isoTimestamp.nullable(),
  /** Last state transition. */
  lastChange: isoTimestamp,
  ackedBy: z.string().nullable(),
  ackComment: z.string().nullable(),
  shelvedUntil: isoTimestamp.nullable(),
  shelvedBy: z.string().nullable(),
});
export type Alarm = z.infer<typeof alarmSchema>;

/** An alarm transition: the alarm after the change and the state before it. */
export const alarmEventSchema = z.strictObject({
  alarm: alarmSchema,
  previousState: alarmStateSchema,
  ts: isoTimestamp,
});
export type AlarmEvent = z.infer<typeof alarmEventSchema>;
