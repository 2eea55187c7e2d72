import { z } from 'zod';

/** ISO-8601 UTC timestamp with milliseconds, e.g. `2026-11-22T10:00:00.000Z`. */
export const isoTimestamp = z.iso.datetime({ precision: 3 });

/** Roles, ordered: each role may do everything the previous one may. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** True when `role` has at least the rights of `required`. */
export function hasRole(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}

/** Where a command came from; recorded in the audit log. */
/** `service`: what the service did on its own (a notification sent or failed), audited too. */
export const commandSourceSchema = z.enum(['http', 'ws', 'mqtt', 'service']);
export type CommandSource = z.infer<typeof commandSourceSchema>;

/**
 * Formats a zod issue path the way humans read config and payload errors:
 * `['channels', 2, 'range', 'max']` → `channels[2].range.max`.
 */
export function formatIssuePath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

/** One line per problem: `path: message`. Used for config and command validation errors. */
export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${formatIssuePath(issue.path)}: ${issue.message}`);
}

/**
 * The first problem of each top-level field (`{fillStopPct: "must be > fillStartPct"}`), so
 * a form can show it beside the field; problems of the whole value are left to the message.
 */
export function issueFields(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.path[0];
    if (typeof field === 'string' && !(field in fields)) fields[field] = issue.message;
  }
  return fields;
}
