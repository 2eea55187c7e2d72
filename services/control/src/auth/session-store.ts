import {
  Inject,
  Injectable,
  Logger,
  OnApplicationShutdown,
  OnModuleInit,
  Optional,
} from '@nestjs/common';
import { roleSchema, type Role } from '@cryopilot/protocol';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { STORAGE_CONFIG, StorageConfig } from '../config/config.slices';
import { AtomicJsonFile } from '../persistence/atomic-json-file';
import { describeError } from '../persistence/fs-errors';
import { DISPLAY_USER_PREFIX, DisplayKeys } from './display-keys';
import { UsersStore } from './users-store';

export interface SessionView {
  readonly user: string;
  readonly role: Role;
  expiresAt: number;
  /** The session ends at this time whatever the activity. */
  readonly endsAt: number;
  /** The user's role and password (or the display key) as they were at sign-in. */
  readonly stamp: string;
}

/** A new session: the token goes into the cookie and is kept nowhere else. */
export interface Session extends SessionView {
  readonly token: string;
}

/** Sessions live this long without activity. */
export const SESSION_IDLE_MS = 12 * 3600 * 1000;
/** And never longer than this after sign-in: a stolen cookie is good for a day at most. */
export const SESSION_MAX_MS = 24 * 3600 * 1000;
export const SESSION_COOKIE = 'cryopilot_session';
/**
 * Sliding expiries reach the disk at most this often (SD card: an open page keeps its session
 * sliding, and each save is a few fsyncs); sign-ins and -outs at once. After a restart an idle
 * session may so end up to this much early; the absolute limit is always exact.
 */
const SAVE_SLIDING_EVERY_MS = 60 * 60_000;

const storedSessionSchema = z.strictObject({
  /** SHA-256 of the token: the file never holds a usable cookie. */
  id: z.string(),
  user: z.string(),
  role: roleSchema,
  expiresAt: z.number(),
  endsAt: z.number(),
  stamp: z.string(),
});
const sessionsFileSchema = z.strictObject({ sessions: z.array(storedSessionSchema) });
type SessionsFile = z.infer<typeof sessionsFileSchema>;

const idOf = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * Sessions, kept across restarts in `<dataDir>/sessions.json` (0600) by the hash of their
 * token only: a screen or a phone signed in before a crash or a Pi reboot is still signed in
 * after it, and reading the file gives nobody a session. A session follows its user: a
 * changed role or password, a removed user or a revoked display key ends it (the users CLI's
 * changes are seen within a second).
 */
@Injectable()
export class SessionStore implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SessionStore.name);
  private readonly sessions = new Map<string, SessionView>();
  private readonly file: AtomicJsonFile<SessionsFile> | null;
  private saveTimer: NodeJS.Timeout | null = null;
  private slid = false;
  /** The newest write (they run one at a time in the file's queue). */
  private lastSave: Promise<void> = Promise.resolve();

  constructor(
    private readonly users: UsersStore,
    @Optional() private readonly displays?: DisplayKeys,
    // Without a data directory (unit tests) sessions live in memory only.
    @Optional() @Inject(STORAGE_CONFIG.token) storage?: StorageConfig,
  ) {
    this.file = storage
      ? new AtomicJsonFile(join(storage.dataDir, 'sessions.json'), sessionsFileSchema, this.logger)
      : null;
    users.onHashUpgrade((user, from, to) => this.restamp(user, from, to));
  }

  /**
   * A sign-in re-made the user's password hash with new parameters (same password, same
   * role): their sessions granted against the old hash carry on under the new one.
   */
  private restamp(user: string, from: string, to: string): void {
    let changed = false;
    for (const [id, session] of this.sessions) {
      if (session.user !== user || session.stamp !== from) continue;
      this.sessions.set(id, { ...session, stamp: to });
      changed = true;
    }
    if (changed) void this.save();
  }

  async onModuleInit(): Promise<void> {
    if (!this.file) return;
    const { value, problems } = await this.file.read();
    for (const problem of problems) this.logger.warn(`sessions: ${problem}`);
    const now = Date.now();
    for (const { id, ...session } of value?.sessions ?? []) {
      if (session.expiresAt > now && session.endsAt > now) this.sessions.set(id, session);
    }
    this.saveTimer = setInterval(() => {
      if (this.slid) void this.save();
    }, SAVE_SLIDING_EVERY_MS);
    this.saveTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.saveTimer) clearInterval(this.saveTimer);
    this.saveTimer = null;
    if (this.slid) void this.save();
    await this.lastSave;
  }

  create(user: string, role: Role, now = Date.now()): Session {
    this.sweep(now);
    const token = randomBytes(32).toString('base64url');
    const session = {
      user,
      role,
      expiresAt: now + SESSION_IDLE_MS,
      endsAt: now + SESSION_MAX_MS,
      stamp: this.stampOf(user) ?? '',
    };
    this.sessions.set(idOf(token), session);
    void this.save();
    return { token, ...session };
  }

  /** Resolves once every session created so far is on disk (a sign-in answers after it). */
  async persisted(): Promise<void> {
    await this.lastSave;
  }

  /** The live session for a token, extending it (sliding expiry up to `SESSION_MAX_MS`). */
  get(token: string | undefined, now = Date.now()): SessionView | null {
    if (!token) return null;
    const id = idOf(token);
    const session = this.sessions.get(id);
    if (!session) return null;
    if (!this.isValid(session, now)) {
      this.sessions.delete(id);
      void this.save();
      return null;
    }
    session.expiresAt = Math.min(now + SESSION_IDLE_MS, session.endsAt);
    this.slid = true;
    return session;
  }

  delete(token: string | undefined): void {
    if (token && this.sessions.delete(idOf(token))) void this.save();
  }

  private isValid(session: SessionView, now: number): boolean {
    if (session.expiresAt <= now || session.endsAt <= now) return false;
    return session.stamp !== '' && this.stampOf(session.user) === session.stamp;
  }

  private stampOf(user: string): string | null {
    if (!user.startsWith(DISPLAY_USER_PREFIX)) return this.users.sessionStamp(user);
    return this.displays?.stamp(user.slice(DISPLAY_USER_PREFIX.length)) ?? null;
  }

  private sweep(now: number): void {
    for (const [id, session] of this.sessions)
      if (!this.isValid(session, now)) this.sessions.delete(id);
  }

  /**
   * Writes every session (queued: one write at a time, the newest state wins). A failed write
   * (full disk) is logged: sessions work on from memory, a restart then signs people out.
   */
  private save(): Promise<void> {
    if (!this.file) return Promise.resolve();
    this.slid = false;
    const sessions = [...this.sessions].map(([id, s]) => ({
      id,
      user: s.user,
      role: s.role,
      expiresAt: s.expiresAt,
      endsAt: s.endsAt,
      stamp: s.stamp,
    }));
    this.lastSave = this.file.write({ sessions }).catch((error: unknown) => {
      this.logger.warn(`sessions not saved (${describeError(error)}): kept in memory`);
    });
    return this.lastSave;
  }
}
