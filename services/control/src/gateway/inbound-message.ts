import type { CommandErrorCode } from '@cryopilot/protocol';

/** What a client frame turned out to be. */
export type InboundMessage =
  /** A command envelope for the command bus (which validates it fully). */
  | { readonly kind: 'command'; readonly request: Record<string, unknown> }
  /** Not a command: answered with this error (audited by the bus like any refused command). */
  | {
      readonly kind: 'reject';
      readonly code: CommandErrorCode;
      readonly message: string;
      readonly id?: string;
    };

/**
 * Classifies one client frame before anything else looks at it: binary, oversized, invalid
 * JSON and unknown message types are rejected here with the contract's error codes; a
 * `{type:"command", …}` becomes the bus's envelope (`type` removed, everything else kept, so
 * that the bus's strict schema reports unexpected keys).
 */
export function classifyInbound(data: Buffer, isBinary: boolean, maxBytes: number): InboundMessage {
  if (isBinary) return reject('invalid_json', 'binary frames are not accepted; send JSON text');
  if (data.length > maxBytes) {
    return reject('payload_too_large', `message larger than ${maxBytes} bytes`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString('utf8'));
  } catch {
    // Malformed JSON from the client: an expected input error, answered, never thrown on.
    return reject('invalid_json', 'message is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return reject('invalid_args', 'message must be a JSON object');
  }
  const { type, ...request } = parsed as Record<string, unknown>;
  const id = typeof request.id === 'string' && request.id.length <= 64 ? request.id : undefined;
  if (type !== 'command') {
    return reject('invalid_args', `unknown message type: ${String(type).slice(0, 32)}`, id);
  }
  return { kind: 'command', request };
}

function reject(code: CommandErrorCode, message: string, id?: string): InboundMessage {
  return id === undefined
    ? { kind: 'reject', code, message }
    : { kind: 'reject', code, message, id };
}
