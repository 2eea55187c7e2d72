import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  AuditedChanges,
  COMMAND_ROLES,
  commandArgsSchemas,
  CommandErrorCode,
  type CommandName,
  commandRequestSchema,
  CommandResult,
  formatIssues,
  issueFields,
  hasRole,
  isCommandName,
} from '@cryopilot/protocol';
import { randomUUID } from 'node:crypto';
import { AuditSink, AuditTrail } from '../audit/audit-trail';
import { Clock } from '../clock/clock';
import { SerialQueue } from '../persistence/serial-queue';
import type { CommandContext } from './command-context';
import { CommandHandlers } from './command-handlers';

/** A command older than this when it arrives is refused `expired` (never replayed late). */
export const COMMAND_MAX_AGE_MS = 5_000;
/** Sender clocks may run a little ahead of ours. */
const CLOCK_SKEW_MS = 2_000;
/**
 * What still runs when the data disk is full and the audit is down to its reserve: the
 * commands that make the plant safe or answer an alarm. Their records fill the reserve;
 * everything else is refused `storage_full` rather than done without a record.
 */
const RUNS_ON_FULL_DISK: ReadonlySet<CommandName> = new Set(['valve.close', 'alarm.ack']);

/**
 * The one entry point for commands from every transport (HTTP now, WebSocket and MQTT later):
 * validation, roles, expiry, one queue (so commands from different senders never interleave),
 * exactly one result per command, and an audit record for every accepted or refused command.
 */
@Injectable()
export class CommandBus {
  private readonly logger = new Logger(CommandBus.name);
  private readonly queue = new SerialQueue();

  constructor(
    private readonly handlers: CommandHandlers,
    // The trail in the service; tests may hand any sink (an AuditLog).
    @Inject(AuditTrail) private readonly audit: AuditSink,
    private readonly clock: Clock,
  ) {}

  /** Validates and runs a command. Never throws. */
  async execute(raw: unknown, ctx: CommandContext): Promise<CommandResult> {
    const envelope = commandRequestSchema.safeParse(raw);
    const rawObject = isRecord(raw) ? raw : {};
    const id =
      typeof rawObject.id === 'string' && rawObject.id.length <= 64 ? rawObject.id : randomUUID();
    const name = typeof rawObject.name === 'string' ? rawObject.name.slice(0, 64) : '(none)';
    if (!envelope.success) {
      return this.fail(
        id,
        name,
        rawObject.args,
        ctx,
        'invalid_args',
        formatIssues(envelope.error).join('; '),
      );
    }
    const request = envelope.data;
    if (!isCommandName(request.name)) {
      return this.fail(
        id,
        name,
        request.args,
        ctx,
        'unknown_command',
        `unknown command: ${request.name}`,
      );
    }
    const required = COMMAND_ROLES[request.name];
    if (ctx.role === null || !hasRole(ctx.role, required)) {
      return this.fail(
        id,
        name,
        request.args,
        ctx,
        'forbidden',
        `${request.name} needs the ${required} role`,
      );
    }
    if (request.ts !== undefined) {
      const ageMs = this.clock.wallMs() - Date.parse(request.ts);
      if (ageMs > (ctx.maxAgeMs ?? COMMAND_MAX_AGE_MS) || ageMs < -CLOCK_SKEW_MS) {
        return this.fail(
          id,
          name,
          request.args,
          ctx,
          'expired',
          `command is ${Math.round(ageMs / 1000)} s old`,
        );
      }
    }
    const args = commandArgsSchemas[request.name].safeParse(request.args ?? {});
    if (!args.success) {
      return this.fail(
        id,
        name,
        request.args,
        ctx,
        'invalid_args',
        formatIssues(args.error).join('; '),
        issueFields(args.error),
      );
    }
    const commandName = request.name;
    if (!RUNS_ON_FULL_DISK.has(commandName) && (await this.auditOnReserve())) {
      return this.fail(
        id,
        name,
        args.data,
        ctx,
        'storage_full',
        `the data disk is full: ${commandName} cannot be audited and was not done ` +
          `(valve.close and alarm.ack still work; free space on the data disk)`,
      );
    }
    const outcome = await this.queue.run(async () => {
      try {
        return await this.handlers.run(commandName, args.data, ctx);
      } catch (error) {
        // A bug or an I/O failure in a handler (e.g. the setpoint file could not be written):
        // the sender gets an `internal` error; the service keeps running.
        this.logger.error(
          `${commandName} failed: ${error instanceof Error ? error.stack : String(error)}`,
        );
        return {
          ok: false as const,
          code: 'internal' as const,
          message: 'internal error, see the service log',
        };
      }
    });
    if (!outcome.ok) {
      const fields = 'fields' in outcome ? outcome.fields : undefined;
      return this.fail(id, name, args.data, ctx, outcome.code, outcome.message, fields);
    }
    await this.record(id, name, args.data, ctx, true, undefined, outcome.changes);
    return { id, ok: true, result: outcome.result };
  }

  /**
   * A command the transport could not even parse (invalid JSON, oversized): answered and
   * audited like every other command.
   */
  async reject(
    code: CommandErrorCode,
    message: string,
    ctx: CommandContext,
    id?: string,
  ): Promise<CommandResult> {
    return this.fail(id ?? randomUUID(), '(unparsed)', undefined, ctx, code, message);
  }

  /** The audit's state; an audit that cannot even say is treated as full (refuse, stay safe). */
  private async auditOnReserve(): Promise<boolean> {
    try {
      return await this.audit.runningOnReserve();
    } catch (error) {
      this.logger.error(
        `audit state unknown: ${error instanceof Error ? error.message : String(error)}`,
      );
      return true;
    }
  }

  private async fail(
    id: string,
    name: string,
    args: unknown,
    ctx: CommandContext,
    code: CommandErrorCode,
    message: string,
    fields?: Readonly<Record<string, string>>,
  ): Promise<CommandResult> {
    await this.record(id, name, args, ctx, false, { code, message });
    const located = fields && Object.keys(fields).length > 0 ? { fields: { ...fields } } : {};
    return { id, ok: false, error: { code, message, ...located } };
  }

  private async record(
    id: string,
    command: string,
    args: unknown,
    ctx: CommandContext,
    ok: boolean,
    error?: { code: CommandErrorCode; message: string },
    changes?: AuditedChanges,
  ): Promise<void> {
    try {
      await this.audit.append({
        ts: new Date(this.clock.wallMs()).toISOString(),
        id,
        user: ctx.user,
        role: ctx.role,
        source: ctx.source,
        command,
        args: truncateArgs(args),
        ok,
        ...(error ? { error } : {}),
        ...(changes && Object.keys(changes).length > 0 ? { changes } : {}),
      });
    } catch (err) {
      // The audit file is not on the control path: a full disk must not block commands.
      this.logger.error(`audit append failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Keeps audit lines bounded even when someone sends huge junk arguments, and recordable when
 * they are nested too deeply to serialize (thousands of `[`: JSON.stringify runs out of stack).
 */
function truncateArgs(args: unknown): unknown {
  if (args === undefined) return null;
  let text: string;
  try {
    text = JSON.stringify(args);
  } catch {
    return { truncated: '(arguments nested too deeply to record)' };
  }
  return text.length <= 2000 ? args : { truncated: text.slice(0, 2000) };
}
