import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { roleSchema, Role } from '@cryopilot/protocol';
import * as argon2 from 'argon2';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { STORAGE_CONFIG, StorageConfig } from '../config/config.slices';
import { AtomicJsonFile } from '../persistence/atomic-json-file';
import { describeError } from '../persistence/fs-errors';
import { SerialQueue } from '../persistence/serial-queue';

const usernameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,32}$/, 'letters, digits, . _ - (max 32)');
const usersFileSchema = z.strictObject({
  users: z.array(
    z.strictObject({ username: usernameSchema, role: roleSchema, hash: z.string().min(20) }),
  ),
});
type UsersFile = z.infer<typeof usersFileSchema>;

export interface User {
  readonly username: string;
  readonly role: Role;
}

/**
 * argon2id with m = 7 MiB, t = 5, p = 1: one of the configurations the OWASP Password Storage
 * Cheat Sheet (section "Argon2id") lists as equally strong, from m = 47 104 KiB (46 MiB), t = 1
 * to m = 7 168 KiB (7 MiB), t = 5, each with p = 1; they trade memory against passes. The
 * smallest memory suits a Pi whose RSS the peak of a login sets (issue 13): before, m = 19 MiB,
 * t = 2 (also on that list); the library default (64 MiB) spiked RSS by ~65 MB. A guess still
 * costs an attacker 7 MiB and tens of milliseconds, on top of the login rate limit. Hashes made
 * with other parameters still verify (they are stored in the hash) and are re-hashed with
 * these at the user's next successful sign-in (`verify`).
 */
const HASH_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 7_168,
  timeCost: 5,
  parallelism: 1,
} as const;

/** Whether a stored hash was made with other parameters (or another variant) than ours. */
function isOutdated(hash: string): boolean {
  if (!hash.startsWith('$argon2id$')) return true;
  try {
    return argon2.needsRehash(hash, HASH_OPTIONS);
  } catch {
    return false; // unparsable: verification failed already, nothing to upgrade
  }
}

/** Called after a user's hash was upgraded: their sessions' stamp `from` is now `to`. */
export type HashUpgradeListener = (username: string, from: string, to: string) => void;

/** How often a running service looks for changes made by the users CLI. */
const CHANGE_CHECK_MS = 1000;

/** Passwords shorter than this are refused (NIST SP 800-63B allows 8; we ask for more). */
export const MIN_PASSWORD_LENGTH = 12;
/** The longest password login accepts; the CLI and the store refuse longer ones alike. */
export const MAX_PASSWORD_LENGTH = 256;

/**
 * Why `password` may not be used for `username`, or null when it may: the length bounds
 * shared by login, the CLI and the store; not only whitespace; not the user name itself.
 */
export function passwordProblem(username: string, password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return `password too short (at least ${MIN_PASSWORD_LENGTH} characters)`;
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    return `password too long (at most ${MAX_PASSWORD_LENGTH} characters)`;
  }
  if (password.trim() === '') return 'password is only whitespace';
  if (password.trim().toLowerCase() === username.toLowerCase()) {
    return 'password must not be the user name';
  }
  return null;
}

function assertUsablePassword(username: string, password: string): void {
  const problem = passwordProblem(username, password);
  if (problem !== null) throw new Error(problem);
}

/**
 * Users and their argon2id password hashes in `<dataDir>/users.json`. With no users at first
 * start, an `admin` is created with `ADMIN_PASSWORD` or a random password printed once to the
 * log: there is never a default password.
 */
@Injectable()
export class UsersStore implements OnModuleDestroy {
  private readonly logger = new Logger(UsersStore.name);
  private readonly file: AtomicJsonFile<UsersFile>;
  private users: UsersFile['users'] = [];
  /** Verifying against this when the user is unknown keeps response times uniform. */
  private dummyHash: string | null = null;
  /** Modification time of the file when last read or written: the CLI may change it. */
  private loadedMtimeMs = 0;
  /** Changes and reloads run one at a time, so none works on a stale list. */
  private readonly changes = new SerialQueue();
  private watchTimer: NodeJS.Timeout | null = null;
  private readonly upgradeListeners: HashUpgradeListener[] = [];

  constructor(@Inject(STORAGE_CONFIG.token) config: StorageConfig) {
    this.file = new AtomicJsonFile(
      join(config.dataDir, 'users.json'),
      usersFileSchema,
      this.logger,
    );
  }

  /**
   * The service's start: reads the users (creating `admin` when there is none), then follows
   * the file, so that what the CLI changes (password, role, removal) ends the user's sessions
   * within a second (see `sessionStamp`).
   */
  async load(adminPassword: string | undefined): Promise<void> {
    await this.loadOrCreate(adminPassword);
    this.watchTimer = setInterval(() => {
      void this.changes.run(() => this.reloadIfChanged());
    }, CHANGE_CHECK_MS);
    this.watchTimer.unref();
  }

  onModuleDestroy(): void {
    if (this.watchTimer) clearInterval(this.watchTimer);
    this.watchTimer = null;
  }

  private async loadOrCreate(adminPassword: string | undefined): Promise<void> {
    const problems = await this.readFile();
    if (this.users.length > 0) return;
    if (problems.length > 0) {
      // Never silently replace a damaged users file with a fresh admin: that would be a way in.
      throw new Error('users file unreadable; fix or remove it (see the log) before starting');
    }
    const fromEnv = adminPassword !== undefined && adminPassword !== '';
    const password = fromEnv ? adminPassword : randomBytes(12).toString('base64url');
    const problem = passwordProblem('admin', password);
    if (problem !== null) throw new Error(`ADMIN_PASSWORD: ${problem}`);
    await this.add('admin', password, 'admin');
    if (fromEnv) {
      this.logger.warn('created user "admin" with the password from ADMIN_PASSWORD');
    } else {
      this.logger.warn(`created user "admin" with password: ${password}  (shown once; change it)`);
    }
  }

  /**
   * Reads the users file without creating anyone (the users CLI). Throws when the file is
   * damaged, so that the CLI never overwrites users it could not read.
   */
  async open(): Promise<void> {
    const problems = await this.readFile();
    if (problems.length > 0) throw new Error(`users file unreadable: ${problems.join('; ')}`);
  }

  /** Every user and role (no hashes). */
  list(): User[] {
    return this.users.map((u) => ({ username: u.username, role: u.role }));
  }

  /** Replaces a user's password; refuses unknown users and unusable passwords. */
  async setPassword(username: string, password: string): Promise<void> {
    assertUsablePassword(username, password);
    const hash = await argon2.hash(password, HASH_OPTIONS);
    await this.replace(username, (u) => ({ ...u, hash }));
  }

  /**
   * What a session was granted against: the user's role and password hash. A session whose
   * stamp no longer matches (role changed, password changed, user removed: null) is over.
   */
  sessionStamp(username: string): string | null {
    const user = this.users.find((u) => u.username === username);
    if (!user) return null;
    return `${user.role}:${createHash('sha256').update(user.hash).digest('base64url')}`;
  }

  /** Removes a user; refuses to remove the last admin (nobody could manage users then). */
  async remove(username: string): Promise<void> {
    await this.changes.run(async () => {
      const user = this.users.find((u) => u.username === username);
      if (!user) throw new Error(`no user ${username}`);
      const admins = this.users.filter((u) => u.role === 'admin');
      if (user.role === 'admin' && admins.length === 1) {
        throw new Error(`${username} is the last admin: add another admin first`);
      }
      await this.save(this.users.filter((u) => u !== user));
    });
  }

  /** Changes a user's role; their sessions end (they sign in again with the new role). */
  async setRole(username: string, role: Role): Promise<void> {
    checked(roleSchema, role, 'role');
    await this.replace(username, (u) => ({ ...u, role }));
  }

  /** Adds a user; refuses duplicates and unusable passwords (`passwordProblem`). */
  async add(username: string, password: string, role: Role): Promise<void> {
    checked(usernameSchema, username, 'username');
    assertUsablePassword(username, password);
    const hash = await argon2.hash(password, HASH_OPTIONS);
    await this.changes.run(async () => {
      if (this.users.some((u) => u.username === username)) {
        throw new Error(`user ${username} exists`);
      }
      await this.save([...this.users, { username, role, hash }]);
    });
  }

  /**
   * The user when the password matches, else null. A match against a hash made with older
   * parameters re-hashes the password with the current ones (saved like any change), before
   * answering: the caller's bound on concurrent verifications (the login gate) covers it.
   */
  async verify(username: string, password: string): Promise<User | null> {
    await this.changes.run(() => this.reloadIfChanged());
    const user = this.users.find((u) => u.username === username);
    // Unknown users are verified against a throwaway hash too, so that response times do not
    // reveal which names exist. Made on first need: hashing at start-up costs memory for nothing.
    this.dummyHash ??= await argon2.hash(randomBytes(16).toString('hex'), HASH_OPTIONS);
    const hash = user?.hash ?? this.dummyHash;
    const matches = await argon2.verify(hash, password).catch(() => false);
    if (!user || !matches) return null;
    if (isOutdated(user.hash)) await this.upgradeHash(user.username, user.hash, password);
    return { username: user.username, role: user.role };
  }

  /**
   * Tells `listener` when a sign-in upgraded a user's hash: the session store keeps that
   * user's sessions (same password, same role) instead of ending them as for a new password.
   */
  onHashUpgrade(listener: HashUpgradeListener): void {
    this.upgradeListeners.push(listener);
  }

  /**
   * Replaces `oldHash` (verified against `password` just before) with a hash made with the
   * current parameters. Skipped when the user or their hash changed meanwhile (the users CLI
   * wins); a failure (full disk) leaves the old hash, which keeps working, and the sign-in.
   */
  private async upgradeHash(username: string, oldHash: string, password: string): Promise<void> {
    try {
      const hash = await argon2.hash(password, HASH_OPTIONS);
      const upgraded = await this.changes.run(async () => {
        await this.reloadIfChanged();
        const index = this.users.findIndex((u) => u.username === username && u.hash === oldHash);
        if (index < 0) return false;
        const from = this.sessionStamp(username)!;
        await this.save(this.users.map((u, i) => (i === index ? { ...u, hash } : u)));
        const to = this.sessionStamp(username)!;
        for (const listener of this.upgradeListeners) listener(username, from, to);
        return true;
      });
      if (upgraded) this.logger.log(`password hash of ${username} re-made with current parameters`);
    } catch (error) {
      this.logger.warn(`password hash of ${username} not upgraded (${describeError(error)})`);
    }
  }

  find(username: string): User | null {
    const user = this.users.find((u) => u.username === username);
    return user ? { username: user.username, role: user.role } : null;
  }

  private replace(
    username: string,
    change: (user: UsersFile['users'][number]) => UsersFile['users'][number],
  ): Promise<void> {
    return this.changes.run(async () => {
      const index = this.users.findIndex((u) => u.username === username);
      if (index < 0) throw new Error(`no user ${username}`);
      await this.save(this.users.map((u, i) => (i === index ? change(u) : u)));
    });
  }

  /** Writes the list and remembers the file's new time, so our own write is no "change". */
  private async save(users: UsersFile['users']): Promise<void> {
    await this.file.write({ users });
    this.users = users;
    this.loadedMtimeMs = await this.mtime();
  }

  /** Loads the file into memory; returns its problems (logged) instead of throwing. */
  private async readFile(): Promise<string[]> {
    await mkdir(this.file.path.replace(/\/[^/]+$/, ''), { recursive: true });
    this.loadedMtimeMs = await this.mtime();
    const { value, problems } = await this.file.read();
    for (const problem of problems) this.logger.error(`users file: ${problem}`);
    this.users = value?.users ?? [];
    return problems;
  }

  /**
   * Picks up changes made by the users CLI while the service runs (new users, passwords,
   * roles, removals). A damaged file keeps the users already in memory.
   */
  private async reloadIfChanged(): Promise<void> {
    const mtime = await this.mtime();
    if (mtime === this.loadedMtimeMs) return;
    this.loadedMtimeMs = mtime;
    const { value, problems } = await this.file.read();
    if (value && problems.length === 0) this.users = value.users;
    else this.logger.error(`users file changed but is unusable; keeping the users in memory`);
  }

  private async mtime(): Promise<number> {
    try {
      return (await stat(this.file.path)).mtimeMs;
    } catch {
      // No users file yet: nothing to reload.
      return 0;
    }
  }
}

/** `value` when it passes `schema`; else an error a person can read (never zod's JSON). */
function checked<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new Error(
    `${what} ${JSON.stringify(value)}: ${result.error.issues[0]?.message ?? 'invalid'}`,
  );
}
