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
});
export type CommandError = z.infer<typeof commandErrorSchema>;

export const commandResultSchema = z.discriminatedUnion('ok', [
  z.strictObject({ id: z.string(), ok: z.literal(true), result: z.unknown() }),
  z.strictObject({ id: z.string(), ok: z.literal(false), error: commandErrorSchema }),
]);
export type CommandResult = z.infer<typeof commandResultSchema>;
