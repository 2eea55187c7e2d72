import type { WsClientMessage, WsServerMessage } from '@cryopilot/protocol';

/** Server message types this page understands. */
const SERVER_TYPES = new Set<WsServerMessage['type']>([
  'snapshot',
  'sample',
  'alarm',
  'command-result',
  'links',
  'setpoints',
]);

/**
 * Parses a server frame. The service is trusted (it validates its own output against the
 * shared contract); this only guards against garbage and unknown message types.
 */
export function parseServerMessage(data: string): WsServerMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    // Not JSON: ignore the frame rather than break the page.
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const type = (value as { type?: unknown }).type;
  return SERVER_TYPES.has(type as WsServerMessage['type']) ? (value as WsServerMessage) : null;
}

/** A command frame. `ts` is in the service's clock, so that it can refuse stale commands. */
export function commandMessage(
  id: string,
  name: string,
  args: Record<string, unknown>,
  serverNowMs: number,
): WsClientMessage {
  return { type: 'command', id, name, args, ts: new Date(serverNowMs).toISOString() };
}

/** A random command id (works on plain http, where `crypto.randomUUID` does not exist). */
export function newCommandId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
