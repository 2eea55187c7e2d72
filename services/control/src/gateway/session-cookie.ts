import { SESSION_COOKIE } from '../auth/session-store';

/**
 * The session token from a raw `Cookie` header (the upgrade request does not go through the
 * Express cookie parser). Returns undefined when absent or malformed.
 */
export function sessionTokenFromCookieHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw.replace(/^"(.*)"$/, '$1'));
    } catch {
      // A malformed %-escape: treat as no cookie rather than failing the upgrade with a 500.
      return undefined;
    }
  }
  return undefined;
}

/**
 * True when a browser `Origin` header names the host the request was sent to. Requests
 * without an Origin (non-browser clients) pass: they cannot carry a victim's cookie anyway.
 * This blocks cross-site WebSocket hijacking even where SameSite cookies are not enforced.
 */
export function isSameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  if (!host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    // `Origin: null` (sandboxed frames, files) or garbage: not our page.
    return false;
  }
}
