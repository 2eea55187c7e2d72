import { Injectable } from '@nestjs/common';
import type { Role } from '@cryopilot/protocol';
import { randomBytes } from 'node:crypto';
import { UsersStore } from './users-store';

export interface Session {
  readonly token: string;
  readonly user: string;
  readonly role: Role;
  expiresAt: number;
  /** The session ends at this time whatever the activity. */
  readonly endsAt: number;
  /** The user's role and password as they were at sign-in (`UsersStore.sessionStamp`). */
  readonly stamp: string;
}

/** Sessions live this long without activity. */
export const SESSION_IDLE_MS = 12 * 3600 * 1000;
/** And never longer than this after sign-in: a stolen cookie is good for a day at most. */
export const SESSION_MAX_MS = 24 * 3600 * 1000;
export const SESSION_COOKIE = 'cryopilot_session';

/**
 * In-memory sessions: a restart logs everyone out, which is acceptable for an operator page
 * and keeps secrets off the SD card. A session follows its user: a changed role or password,
 * or a removed user, ends it (the users CLI's changes are seen within a second).
 */
@Injectable()
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly users: UsersStore) {}

  create(user: string, role: Role, now = Date.now()): Session {
    this.sweep(now);
    const session = {
      token: randomBytes(32).toString('base64url'),
      user,
      role,
      expiresAt: now + SESSION_IDLE_MS,
      endsAt: now + SESSION_MAX_MS,
      stamp: this.users.sessionStamp(user) ?? '',
    };
    this.sessions.set(session.token, session);
    return session;
  }

  /** The live session for a token, extending it (sliding expiry up to `SESSION_MAX_MS`). */
  get(token: string | undefined, now = Date.now()): Session | null {
    if (!token) return null;
    const session = this.sessions.get(token);
    if (!session) return null;
    if (!this.isValid(session, now)) {
      this.sessions.delete(token);
      return null;
    }
    session.expiresAt = Math.min(now + SESSION_IDLE_MS, session.endsAt);
    return session;
  }

  private isValid(session: Session, now: number): boolean {
    if (session.expiresAt <= now || session.endsAt <= now) return false;
    return session.stamp !== '' && this.users.sessionStamp(session.user) === session.stamp;
  }

  delete(token: string | undefined): void {
    if (token) this.sessions.delete(token);
  }

  private sweep(now: number): void {
    for (const [token, session] of this.sessions)
      if (!this.isValid(session, now)) this.sessions.delete(token);
  }
}
