import type { AuditedChanges, CommandSource, Role } from '@cryopilot/protocol';

/** Who sends a command and through what. `role` null means not authenticated. */
export interface CommandContext {
  readonly user: string;
  readonly role: Role | null;
  readonly source: CommandSource;
  /** Expiry of this transport (e.g. `mqtt.commandMaxAgeS`); default `COMMAND_MAX_AGE_MS`. */
  readonly maxAgeMs?: number;
}

/**
 * What a handler returns: a result for the sender (and, for the audit, the settings it
 * changed with their old and new values), or a refusal with a stable code.
 */
export type HandlerOutcome =
  | { readonly ok: true; readonly result: unknown; readonly changes?: AuditedChanges }
  | {
      readonly ok: false;
      readonly code: 'refused' | 'invalid_args' | 'hardware_error' | 'storage_full';
      readonly message: string;
      /** `invalid_args`: which argument each problem is about. */
      readonly fields?: Readonly<Record<string, string>>;
    };
