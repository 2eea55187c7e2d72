import type { IncomingMessage } from 'node:http';
import type { VerifyClientCallbackAsync } from 'ws';
import type { SessionStore } from '../auth/session-store';
import { isSameOrigin, sessionTokenFromCookieHeader } from './session-cookie';

/** How many sockets the gateway holds, in all and per user. */
export interface ConnectionCapacity {
  isFull(): boolean;
  /** The user holds as many sockets as one user may. */
  userAtLimit(user: string): boolean;
}

/** Why an upgrade request is refused, as an HTTP status and text; null when accepted. */
export function upgradeRefusal(
  request: IncomingMessage,
  sessions: SessionStore,
  capacity: ConnectionCapacity,
): { status: number; message: string } | null {
  if (!isSameOrigin(request.headers.origin, request.headers.host)) {
    return { status: 403, message: 'cross-origin WebSocket refused' };
  }
  const token = sessionTokenFromCookieHeader(request.headers.cookie);
  const session = sessions.get(token);
  if (!session) return { status: 401, message: 'login required' };
  // Per user first: one account opening sockets in a loop must not lock the others out.
  if (capacity.userAtLimit(session.user)) {
    return { status: 429, message: 'too many connections for this user' };
  }
  if (capacity.isFull()) return { status: 503, message: 'too many connections' };
  return null;
}

/**
 * `ws`'s `verifyClient`: the upgrade is answered with a plain HTTP error and no socket is
 * ever opened without a valid session cookie from a page of this origin. `defer` runs each
 * check (and so the handshake and the new connection's set-up that follow it) when it is its
 * turn: a burst of upgrades is handled a few at a time, between the control loop's ticks.
 */
export function createUpgradeVerifier(
  sessions: SessionStore,
  capacity: ConnectionCapacity,
  defer: (job: () => void) => void = (job) => job(),
): VerifyClientCallbackAsync<IncomingMessage> {
  return (info, callback) =>
    defer(() => {
      const refusal = upgradeRefusal(info.req, sessions, capacity);
      if (refusal) callback(false, refusal.status, refusal.message);
      else callback(true);
    });
}
