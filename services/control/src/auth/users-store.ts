import { Inject, Injectable, Logger } from '@nestjs/common';
import { roleSchema, Role } from '@cryopilot/protocol';
import * as argon2 from 'argon2';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { APP_CONFIG } from '../app/app.tokens';
import type { AppConfig } from '../config/config.schema';
import { AtomicJsonFile } from '../persistence/atomic-json-file';

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

/** Passwords shorter than this are refused. */
export const MIN_PASSWORD_LENGTH = 10;

/**
 * Users and their argon2id password hashes in `<dataDir>/users.json`. With no users at first
 * start, an `admin` is created with `ADMIN_PASSWORD` or a random password printed once to the
 * log: there is never a default password.
 */
@Injectable()
export class UsersStore {
  private readonly logger = new Logger(UsersStore.name);
  private readonly file: AtomicJsonFile<UsersFile>;
  private users: UsersFile['users'] = [];
  /** Verifying against this when the user is unknown keeps response times uniform. */
  private dummyHash: string | null = null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.file = new AtomicJsonFile(
      join(config.dataDir, 'users.json'),
      usersFileSchema,
      this.logger,
    );
  }

  async load(adminPassword: string | undefined): Promise<void> {
    await mkdir(this.file.path.replace(/\/[^/]+$/, ''), { recursive: true });
    const { value, problems } = await this.file.read();
    for (const problem of problems) this.logger.error(`users file: ${problem}`);
    this.users = value?.users ?? [];
    this.dummyHash = await argon2.hash(randomBytes(16).toString('hex'));
    if (this.users.length > 0) return;
    if (problems.length > 0) {
      // Never silently replace a damaged users file with a fresh admin: that would be a way in.
      throw new Error('users file unreadable; fix or remove it (see the log) before starting');
    }
    const fromEnv = adminPassword !== undefined && adminPassword !== '';
    const password = fromEnv ? adminPassword : randomBytes(12).toString('base64url');
    if (password.length < MIN_PASSWORD_LENGTH) {
      throw new Error(`ADMIN_PASSWORD must have at least ${MIN_PASSWORD_LENGTH} characters`);
    }
    await this.add('admin', password, 'admin');
    if (fromEnv) {
      this.logger.warn('created user "admin" with the password from ADMIN_PASSWORD');
    } else {
      this.logger.warn(`created user "admin" with password: ${password}  (shown once; change it)`);
    }
  }

  /** Adds a user; refuses duplicates and short passwords. */
  async add(username: string, password: string, role: Role): Promise<void> {
    usernameSchema.parse(username);
    if (this.users.some((u) => u.username === username)) throw new Error(`user ${username} exists`);
    if (password.length < MIN_PASSWORD_LENGTH) throw new Error('password too short');
    const hash = await argon2.hash(password, { type: argon2.argon2id });
    const next = [...this.users, { username, role, hash }];
    await this.file.write({ users: next });
    this.users = next;
  }

  /** The user when the password matches, else null. */
  async verify(username: string, password: string): Promise<User | null> {
    const user = this.users.find((u) => u.username === username);
    const hash = user?.hash ?? this.dummyHash;
    if (!hash) return null;
    const matches = await argon2.verify(hash, password).catch(() => false);
    return user && matches ? { username: user.username, role: user.role } : null;
  }

  find(username: string): User | null {
    const user = this.users.find((u) => u.username === username);
    return user ? { username: user.username, role: user.role } : null;
  }
}
