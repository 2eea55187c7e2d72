import type { CommandErrorCode, CommandResult, Role } from '@cryopilot/protocol';
import type { CommandContext } from '../../commands/command-context';
import { SerialQueue } from '../../persistence/serial-queue';
import type { IncomingMessage } from '../link/mqtt-connection';
import { ParsedCommand, parseMqttCommand } from './mqtt-command-parser';
import type { MqttTopics } from '../publishing/mqtt-topics';

/** What the intake needs of the command bus (the `CommandBus` itself in the service). */
export interface CommandExecutor {
  execute(raw: unknown, ctx: CommandContext): Promise<CommandResult>;
  reject(
    code: CommandErrorCode,
    message: string,
    ctx: CommandContext,
    id?: string,
  ): Promise<CommandResult>;
}

export interface CommandIntakeOptions {
  /** Role every MQTT command acts with (`config.mqtt.commandRole`). */
  readonly role: Role;
  /** Commands whose `ts` is older are refused `expired`. */
  readonly maxAgeMs: number;
  readonly maxPayloadBytes: number;
  /** Commands waiting beyond this are answered `refused` at once (flood protection). */
  readonly maxWaiting: number;
}

/** The requester's MQTT 5 response address, if it gave one. */
export type ReplyAddress = Pick<IncomingMessage, 'responseTopic' | 'correlationData'>;

/** Where the answer goes: `cmd/result` and, with MQTT 5, the requester's response topic. */
export type ResultSender = (result: CommandResult, replyTo: ReplyAddress) => void;

export interface CommandIntakeStats {
  readonly received: number;
  readonly answered: number;
  readonly waiting: number;
}

/**
 * Feeds `…/cmd/<name>` messages to the command bus, one at a time and in arrival order, and
 * answers every one of them exactly once — malformed, oversized, unknown, expired and refused
 * commands included (they are audited like the rest by the bus).
 *
 * Expiry: the bus refuses a `ts` older than `maxAgeMs` (a command without one is dated by its
 * arrival); a retained command is refused by the parser (MQTT 5 subscribes Retain As
 * Published, so that holds for live deliveries too); an MQTT 5 message expiry interval that runs out while the command waits in our
 * queue is refused here. The broker never holds commands for us while we are offline: the
 * command subscription is QoS 0, which Mosquitto does not queue for offline sessions.
 */
export class MqttCommandIntake {
  private readonly queue = new SerialQueue();
  private waiting = 0;
  private received = 0;
  private answered = 0;

  constructor(
    private readonly topics: MqttTopics,
    private readonly executor: CommandExecutor,
    private readonly options: CommandIntakeOptions,
    private readonly sendResult: ResultSender,
    private readonly wallMs: () => number,
    private readonly onError: (message: string) => void,
  ) {}

  /** Takes a message if it is a command; returns false for any other topic. */
  handle(message: IncomingMessage): boolean {
    const name = this.topics.commandName(message.topic);
    if (name === null) return false;
    this.received += 1;
    const arrivedMs = this.wallMs();
    // Only the reply address is kept until the answer: never the (possibly huge) payload.
    const replyTo: ReplyAddress = {
      responseTopic: message.responseTopic,
      correlationData: message.correlationData,
    };
    if (this.waiting >= this.options.maxWaiting) {
      this.answer(replyTo, () =>
        this.executor.reject(
          'refused',
          `too many commands waiting (${this.waiting}); try again`,
          this.context(undefined),
        ),
      );
      return true;
    }
    // Parsed at once (cheap, synchronous): the queue holds small requests, never big payloads.
    const parsed = parseMqttCommand(
      { name, payload: message.payload, retained: message.retained },
      this.options.maxPayloadBytes,
    );
    this.waiting += 1;
    this.answer(replyTo, () =>
      this.queue
        .run(() => this.process(parsed, message.messageExpiryS, arrivedMs))
        .finally(() => {
          this.waiting -= 1;
        }),
    );
    return true;
  }

  /** Resolves once every command received so far has been answered. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  stats(): CommandIntakeStats {
    return { received: this.received, answered: this.answered, waiting: this.waiting };
  }

  private process(parsed: ParsedCommand, expiryS: number | undefined, arrivedMs: number) {
    if (!parsed.ok) {
      return this.executor.reject(parsed.code, parsed.message, this.context(undefined), parsed.id);
    }
    const ctx = this.context(parsed.user);
    if (expiryS !== undefined && this.wallMs() > arrivedMs + expiryS * 1000) {
      return this.executor.reject(
        'expired',
        'the MQTT message expiry interval ran out before the command could run',
        ctx,
        parsed.request.id,
      );
    }
    // Without a `ts` from the sender, the command is as old as its arrival here: it still
    // expires if it waits in our queue longer than the bus allows, never runs late.
    const request =
      parsed.request.ts === undefined
        ? { ...parsed.request, ts: new Date(arrivedMs).toISOString() }
        : parsed.request;
    return this.executor.execute(request, ctx);
  }

  private answer(replyTo: ReplyAddress, produce: () => Promise<CommandResult>): void {
    produce().then(
      (result) => {
        this.answered += 1;
        this.sendResult(result, replyTo);
      },
      (error: unknown) =>
        // The bus never throws by contract; if it ever did, the sender would get no answer.
        this.onError(
          `command handling failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
    );
  }

  /** The payload's `user` is informational: recorded in the audit, it grants nothing. */
  private context(user: string | undefined): CommandContext {
    return {
      user: user ? `mqtt:${user}` : 'mqtt',
      role: this.options.role,
      source: 'mqtt',
      maxAgeMs: this.options.maxAgeMs,
    };
  }
}
