import { CommandRequest, formatIssues, mqttCommandSchema } from '@cryopilot/protocol';

/** A message received on `…/cmd/<name>`. */
export interface CommandMessage {
  readonly name: string;
  readonly payload: Buffer;
  /** Delivered from the broker's retained store rather than sent just now. */
  readonly retained: boolean;
}

/** Errors the MQTT transport itself detects before the command bus sees the command. */
export type TransportErrorCode = 'invalid_json' | 'payload_too_large' | 'invalid_args' | 'expired';

export type ParsedCommand =
  | {
      readonly ok: true;
      readonly request: CommandRequest;
      /** Informational sender name from the payload: recorded, grants nothing. */
      readonly user?: string;
    }
  | {
      readonly ok: false;
      readonly code: TransportErrorCode;
      readonly message: string;
      /** The sender's id when it could be read, so the error result can be correlated. */
      readonly id?: string;
    };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Turns a `cmd/<name>` message into a command request for the bus (pure). Payload:
 * `{id?, args?, user?, ts?}`; the name comes from the topic. Anything else gets one stable
 * error code: `payload_too_large`, `invalid_json` (empty, not UTF-8, not JSON), `invalid_args`
 * (not an object, wrong field types, unknown fields), `expired` (a retained command).
 */
export function parseMqttCommand(message: CommandMessage, maxPayloadBytes: number): ParsedCommand {
  if (message.payload.length > maxPayloadBytes) {
    return fail(
      'payload_too_large',
      `payload is ${message.payload.length} bytes; at most ${maxPayloadBytes} are accepted`,
    );
  }
  // An empty payload is also how a retained message is cleared: never read it as `{}`.
  if (message.payload.length === 0) {
    return fail('invalid_json', 'empty payload: send {} for a command without arguments');
  }
  let text: string;
  let value: unknown;
  try {
    text = utf8.decode(message.payload);
  } catch {
    // TextDecoder with `fatal` throws on malformed UTF-8: random bytes are answered, not run.
    return fail('invalid_json', 'payload is not UTF-8 text');
  }
  try {
    value = JSON.parse(text);
  } catch (error) {
    // Malformed JSON from the sender; JSON.parse has no non-throwing variant.
    const detail = error instanceof Error ? error.message.slice(0, 120) : 'parse error';
    return fail('invalid_json', `payload is not valid JSON: ${detail}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail('invalid_args', 'payload must be a JSON object {id?, args?, user?, ts?}');
  }
  const id = readableId((value as { id?: unknown }).id);
  if (message.retained) {
    // A retained command would run again at every subscription: never execute one.
    return fail('expired', 'retained command: stored commands are never executed', id);
  }
  const parsed = mqttCommandSchema.safeParse(value);
  if (!parsed.success) {
    return fail('invalid_args', formatIssues(parsed.error).join('; '), id);
  }
  const { args, user, ts } = parsed.data;
  return {
    ok: true,
    request: {
      name: message.name,
      ...(parsed.data.id !== undefined ? { id: parsed.data.id } : {}),
      ...(args !== undefined ? { args } : {}),
      ...(ts !== undefined ? { ts } : {}),
    },
    ...(user !== undefined ? { user } : {}),
  };
}

function readableId(id: unknown): string | undefined {
  return typeof id === 'string' && id.length > 0 && id.length <= 64 ? id : undefined;
}

function fail(code: TransportErrorCode, message: string, id?: string): ParsedCommand {
  return { ok: false, code, message, ...(id !== undefined ? { id } : {}) };
}
