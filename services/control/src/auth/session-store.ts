import { Injectable } from '@nestjs/common';
import type { Role } from '@cryopilot/protocol';
import { randomBytes } from 'node:crypto';

export interface Session {
  readonly token: string;
  readonly user: string;
  readonly role: Role;
  expiresAt: number;
}

/** Sessions live this long without activity. */
export const SESSION_IDLE_MS = 12 * 3600 * 1000;
export const SESSION_COOKIE = 'cryopilot_session';

/**
 * In-memory sessions: a restart logs everyone out, which is acceptable for an operator page
 * and keeps secrets off the SD card.
 */
@Injectable()
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  create(user: string, role: Role, now = Date.now()): Session {
    this.sweep(now);
    const session = {
      token: randomBytes(32).toString('base64url'),
      user,
      role,
      expiresAt: now + SESSION_IDLE_MS,
    };
    this.sessions.set(session.token, session);
    return session;
  }

  /** The live session for a token, extending it (sliding expiry). */
  get(token: string | undefined, now = Date.now()): Session | null {
    if (!token) return null;
    const session = this.sessions.get(token);
    if (!session) return null;
    if (session.expiresAt <= now) {
      this.sessions.delete(token);
      return null;
    }
    session.expiresAt = now + SESSION_IDLE_MS;
    return session;
  }

  delete(token: string | undefined): void {
    if (token) this.sessions.delete(token);
  }

  private sweep(now: number): void {
    for (const [token, session] of this.sessions)
      if (session.expiresAt <= now) this.sessions.delete(token);
  }
}
