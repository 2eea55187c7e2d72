import { z } from 'zod';
import { alarmIdSchema, alarmSchema, severitySchema } from './alarms';
import { channelReadingSchema, qualitySchema } from './channels';
import { commandSourceSchema, isoTimestamp, roleSchema } from './common';
import { commandErrorSchema } from './commands';
import { sensorTestSchema } from './maintenance';
import { setpointsSchema } from './setpoints';
import { modeSchema, valveStateSchema } from './valve';

/** State of a link to something outside the control loop. */
export const LINK_STATES = ['connected', 'connecting', 'disconnected', 'disabled'] as const;
export const linkStateSchema = z.strictObject({
  state: z.enum(LINK_STATES),
  since: isoTimestamp,
  detail: z.string().optional(),
});
export type LinkState = z.infer<typeof linkStateSchema>;

export const linksSchema = z.strictObject({
  hardware: linkStateSchema,
  mqtt: linkStateSchema,
  telemetry: linkStateSchema,
});
export type Links = z.infer<typeof linksSchema>;

/** `GET /api/state`. */
export const stateSnapshotSchema = z.strictObject({
  deviceId: z.string(),
  ts: isoTimestamp,
  mode: modeSchema,
  valve: valveStateSchema,
  channels: z.array(channelReadingSchema),
  alarms: z.array(alarmSchema),
  setpoints: setpointsSchema,
  links: linksSchema,
  /** O2 sensors under a declared bump test or calibration (their readings not used). */
  sensorTests: z.array(sensorTestSchema).optional(),
});
export type StateSnapshot = z.infer<typeof stateSnapshotSchema>;

export const CHECK_STATUSES = ['ok', 'degraded', 'down', 'disabled'] as const;
export const healthCheckSchema = z.strictObject({
  status: z.enum(CHECK_STATUSES),
  detail: z.string().optional(),
});
export type HealthCheck = z.infer<typeof healthCheckSchema>;

/** `GET /api/health`. HTTP 503 when the control loop or the hardware is down. */
export const healthSchema = z.strictObject({
  status: z.enum(['ok', 'degraded', 'down']),
  checks: z.strictObject({
    hardware: healthCheckSchema,
    controlLoop: healthCheckSchema,
    mqtt: healthCheckSchema,
    telemetry: healthCheckSchema,
    /** The data disk: degraded when almost full (`storage.minFreeMb`). */
    storage: healthCheckSchema,
  }),
});
export type Health = z.infer<typeof healthSchema>;

/** What a trend marker stands for: an alarm raised, a fill started or ended. */
export const TREND_EVENT_KINDS = ['alarm', 'fill-start', 'fill-end'] as const;

/** A marker on the trend's time axis. */
export const trendEventSchema = z.strictObject({
  /** When it happened, ms since epoch. */
  t: z.number(),
  kind: z.enum(TREND_EVENT_KINDS),
  /** For `alarm`: which alarm, and its priority. */
  alarmId: alarmIdSchema.optional(),
  severity: severitySchema.optional(),
});
export type TrendEvent = z.infer<typeof trendEventSchema>;

/** `GET /api/trend`: columns of equal length, thinned for charting. */
export const trendSchema = z.strictObject({
  from: isoTimestamp,
  to: isoTimestamp,
  /** Acquisition times, ms since epoch. */
  t: z.array(z.number()),
  /** Per channel id, one value per time (null where the quality was not usable). */
  channels: z.record(z.string(), z.array(z.number().nullable())),
  /** Valve output 0..100 % per time. */
  valve: z.array(z.number()),
  /** Alarms raised and fills started or ended inside the window, oldest first. */
  events: z.array(trendEventSchema).optional(),
});
export type Trend = z.infer<typeof trendSchema>;

/** One line of the audit log. */
export const auditRecordSchema = z.strictObject({
  ts: isoTimestamp,
  id: z.string(),
  user: z.string(),
  role: roleSchema.nullable(),
  source: commandSourceSchema,
  command: z.string(),
  args: z.unknown(),
  ok: z.boolean(),
  error: commandErrorSchema.optional(),
  /** Settings an accepted command changed, with their old and new values. */
  changes: z.record(z.string(), z.strictObject({ from: z.number(), to: z.number() })).optional(),
});
export type AuditRecord = z.infer<typeof auditRecordSchema>;
export type AuditedChanges = NonNullable<AuditRecord['changes']>;

/** A compact sample as streamed (WebSocket) — value, quality, mA per channel. */
export const sampleChannelSchema = z.strictObject({
  value: z.number().nullable(),
  quality: qualitySchema,
  mA: z.number().nullable(),
});
export type SampleChannel = z.infer<typeof sampleChannelSchema>;
