import { z } from 'zod';
import { alarmIdSchema } from './alarms';
import { modeSchema } from './valve';
import {
  isTripSetting,
  setpointsPatchSchema,
  TRIP_SETTING_FIELDS,
  tripSettingsPatchSchema,
} from './setpoints';
import { hasRole, Role, roleSchema } from './common';

/** Stable error codes of command results (docs/interfaces.md). */
export const COMMAND_ERROR_CODES = [
  'invalid_json',
  'unknown_command',
  'invalid_args',
  'forbidden',
  'refused',
  'expired',
  'payload_too_large',
  'hardware_error',
  'storage_full',
  'internal',
  /** Audit only: a notification the service could not deliver (never a command result). */
  'delivery_failed',
] as const;
export const commandErrorCodeSchema = z.enum(COMMAND_ERROR_CODES);
export type CommandErrorCode = z.infer<typeof commandErrorCodeSchema>;

const comment = z.string().trim().max(500);
const channelIdArg = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'invalid sensor id');
const o2Pct = z.number().finite().min(0).max(100);

/** Argument schemas, one per command. Unknown keys are rejected. */
export const commandArgsSchemas = {
  'mode.set': z.strictObject({ mode: modeSchema }),
  'valve.open': z.strictObject({ durationS: z.number().finite().positive().optional() }),
  'valve.close': z.strictObject({}),
  'setpoints.set': setpointsPatchSchema.superRefine((patch, ctx) => {
    const keys = Object.keys(patch);
    if (keys.length === 0)
      ctx.addIssue({ code: 'custom', message: 'at least one setpoint is required' });
    for (const key of keys.filter(isTripSetting)) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: 'a safety trip setting: change it with trips.set (confirm and reason required)',
      });
    }
  }),
  'trips.set': tripSettingsPatchSchema
    .extend({
      /** The sender states it knows it changes a safety trip. */
      confirm: z.literal(true, 'must be true: changing a safety trip needs explicit confirmation'),
      reason: comment.min(3, 'a reason is required to change a safety trip'),
    })
    .strict()
    .refine((args) => TRIP_SETTING_FIELDS.some((field) => args[field] !== undefined), {
      message: `at least one of ${TRIP_SETTING_FIELDS.join(', ')} is required`,
    }),
  'alarm.ack': z.strictObject({ alarmId: alarmIdSchema, comment: comment.optional() }),
  'alarm.shelve': z.strictObject({
    alarmId: alarmIdSchema,
    minutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
    comment: comment.min(1, 'a reason is required to shelve'),
  }),
  'alarm.reset': z.strictObject({ alarmId: alarmIdSchema }),
  /** Returns a shelved alarm to view before its shelf expires (annunciated again if active). */
  'alarm.unshelve': z.strictObject({ alarmId: alarmIdSchema, comment: comment.optional() }),
  /** Declares an O2 sensor under test: its reading is set aside, fills are inhibited. */
  'sensor.test.start': z.strictObject({
    sensorId: channelIdArg,
    minutes: z.number().int().min(1).max(60).optional(),
  }),
  /** Ends the test, returns the sensor to service and records the bump test. */
  'sensor.test.end': z.strictObject({
    sensorId: channelIdArg,
    referenceGasPct: o2Pct,
    /** Omitted: passed when the lowest reading came within the tolerance of the test gas. */
    passed: z.boolean().optional(),
    comment: comment.optional(),
  }),
  /** Records a two-point calibration done with the transmitter's own procedure. */
  'sensor.calibration': z.strictObject({
    sensorId: channelIdArg,
    referenceGasPct: o2Pct,
    readingBeforePct: o2Pct,
    readingAfterPct: o2Pct,
    passed: z.boolean(),
    comment: comment.optional(),
  }),
  /** A new cell: its installation date and expected life. */
  'sensor.install': z.strictObject({
    sensorId: channelIdArg,
    installedOn: z.iso.date(),
    expectedLifeMonths: z.number().int().min(1).max(240),
    comment: comment.optional(),
  }),
  /** Sends a test notification to one channel, or to every channel without `channel`. */
  'notifications.test': z.strictObject({
    channel: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,31}$/, 'a channel name')
      .optional(),
  }),
} as const;

export type CommandName = keyof typeof commandArgsSchemas;
export const COMMAND_NAMES = Object.keys(commandArgsSchemas) as CommandName[];
export type CommandArgs<N extends CommandName> = z.infer<(typeof commandArgsSchemas)[N]>;

/** The least role allowed to run each command. */
export const COMMAND_ROLES: Record<CommandName, Role> = {
  'mode.set': 'operator',
  'valve.open': 'operator',
  'valve.close': 'operator',
  'setpoints.set': 'admin',
  'trips.set': 'admin',
  'alarm.ack': 'operator',
  'alarm.shelve': 'admin',
  'alarm.reset': 'operator',
  // Unshelving restores annunciation (the safe direction, ISA-18.2): whoever may acknowledge
  // may bring an alarm back; only hiding one (shelve) needs an admin.
  'alarm.unshelve': 'operator',
  'sensor.test.start': 'operator',
  'sensor.test.end': 'operator',
  'sensor.calibration': 'operator',
  'sensor.install': 'admin',
  'notifications.test': 'admin',
};

/** The commands a role may send, for the page (which then needs no role rules of its own). */
export function commandsAllowedFor(role: Role): CommandName[] {
  return COMMAND_NAMES.filter((name) => hasRole(role, COMMAND_ROLES[name]));
}

/** Who is signed in and which commands their role allows (login, session, WS snapshot). */
export const sessionInfoSchema = z.strictObject({
  user: z.string(),
  role: roleSchema,
  commands: z.array(z.string()),
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

export function sessionInfo(user: string, role: Role): SessionInfo {
  return { user, role, commands: commandsAllowedFor(role) };
}

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.hasOwn(commandArgsSchemas, name);
}

export const commandIdSchema = z.string().min(1).max(64);

/** The envelope of a command, whatever the transport. `ts` (sender's clock) enables expiry. */
export const commandRequestSchema = z.strictObject({
  id: commandIdSchema.optional(),
  name: z.string().max(64),
  args: z.record(z.string(), z.unknown()).optional(),
  ts: z.iso.datetime().optional(),
});
export type CommandRequest = z.infer<typeof commandRequestSchema>;

export const commandErrorSchema = z.strictObject({
  code: commandErrorCodeSchema,
  message: z.string(),
  /** `invalid_args`: the problem of each argument (a setpoint), for forms to show in place. */
  fields: z.record(z.string(), z.string()).optional(),
});
export type CommandError = z.infer<typeof commandErrorSchema>;

export const commandResultSchema = z.discriminatedUnion('ok', [
  z.strictObject({ id: z.string(), ok: z.literal(true), result: z.unknown() }),
  z.strictObject({ id: z.string(), ok: z.literal(false), error: commandErrorSchema }),
]);
export type CommandResult = z.infer<typeof commandResultSchema>;
