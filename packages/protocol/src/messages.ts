import { z } from 'zod';
import { alarmSchema } from './alarms';
import { qualitySchema } from './channels';
import { isoTimestamp } from './common';
import { commandErrorSchema, commandIdSchema, sessionInfoSchema } from './commands';
import { linkStateSchema, sampleChannelSchema, stateSnapshotSchema, trendSchema } from './state';
import { setpointsSchema } from './setpoints';
import { valveStateSchema } from './valve';

/** WebSocket, server → client. */
export const wsServerMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('snapshot'),
    state: stateSnapshotSchema,
    trend: trendSchema,
    alarms: z.array(alarmSchema),
    session: sessionInfoSchema,
    /** How many minutes of history `/api/trend` can return (the UI's longest trend range). */
    trendRetainMinutes: z.number().int().positive().optional(),
  }),
  z.strictObject({
    type: z.literal('sample'),
    seq: z.number().int().nonnegative(),
    ts: isoTimestamp,
    channels: z.record(z.string(), sampleChannelSchema),
    valve: valveStateSchema,
  }),
  z.strictObject({ type: z.literal('alarm'), alarm: alarmSchema }),
  z.strictObject({
    type: z.literal('command-result'),
    id: z.string(),
    ok: z.boolean(),
    result: z.unknown().optional(),
    error: commandErrorSchema.optional(),
  }),
  z.strictObject({
    type: z.literal('links'),
    mqtt: linkStateSchema,
    telemetry: linkStateSchema,
    hardware: linkStateSchema,
  }),
  /** Sent when an admin changed the setpoints (thresholds shown on the page). */
  z.strictObject({ type: z.literal('setpoints'), setpoints: setpointsSchema }),
]);
export type WsServerMessage = z.infer<typeof wsServerMessageSchema>;

/** WebSocket, client → server. */
export const wsClientMessageSchema = z.strictObject({
  type: z.literal('command'),
  id: commandIdSchema,
  name: z.string().max(64),
  args: z.record(z.string(), z.unknown()).optional(),
  ts: z.iso.datetime().optional(),
});
export type WsClientMessage = z.infer<typeof wsClientMessageSchema>;

/** MQTT `…/telemetry`, one per sample. */
export const mqttTelemetrySchema = z.strictObject({
  seq: z.number().int().nonnegative(),
  ts: isoTimestamp,
  channels: z.record(z.string(), z.number().nullable()),
  quality: z.record(z.string(), qualitySchema),
  valve: z.strictObject({ open: z.boolean(), output: z.number() }),
});
export type MqttTelemetry = z.infer<typeof mqttTelemetrySchema>;

/** MQTT `…/cmd/<name>` payload. */
export const mqttCommandSchema = z.strictObject({
  id: commandIdSchema.optional(),
  args: z.record(z.string(), z.unknown()).optional(),
  user: z.string().max(64).optional(),
  ts: z.iso.datetime().optional(),
});
export type MqttCommand = z.infer<typeof mqttCommandSchema>;
