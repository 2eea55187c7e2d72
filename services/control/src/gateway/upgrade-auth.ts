import type { IncomingMessage } from 'node:http';
import type { VerifyClientCallbackAsync } from 'ws';
import type { SessionStore } from '../auth/session-store';
import { isSameOrigin, sessionTokenFromCookieHeader } from './session-cookie';

/** Why an upgrade request is refused, as an HTTP status and text; null when accepted. */
export function upgradeRefusal(
  request: IncomingMessage,
  sessions: SessionStore,
  isFull: () => boolean,
): { status: number; message: string } | null {
  if (!isSameOrigin(request.headers.origin, request.headers.host)) {
    return { status: 403, message: 'cross-origin WebSocket refused' };
  }
  const token = sessionTokenFromCookieHeader(request.headers.cookie);
  if (!sessions.get(token)) return { status: 401, message: 'login required' };
  if (isFull()) return { status: 503, message: 'too many connections' };
  return null;
}

/**
 * `ws`'s `verifyClient`: the upgrade is answered with a plain HTTP error and no socket is
 * ever opened without a valid session cookie from a page of this origin.
 */
export function createUpgradeVerifier(
  sessions: SessionStore,
  isFull: () => boolean,
): VerifyClientCallbackAsync<IncomingMessage> {
  return (info, callback) => {
    const refusal = upgradeRefusal(info.req, sessions, isFull);
    if (refusal) callback(false, refusal.status, refusal.message);
    else callback(true);
  };
}
