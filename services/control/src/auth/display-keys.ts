import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { STORAGE_CONFIG, StorageConfig } from '../config/config.slices';
import { AtomicJsonFile } from '../persistence/atomic-json-file';
import { SerialQueue } from '../persistence/serial-queue';

/** Display sessions are `display:<name>`: never a user name (those cannot contain ':'). */
export const DISPLAY_USER_PREFIX = 'display:';
export const displayKeyNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,32}$/, 'letters, digits, - and _ (1 to 32)');

const entrySchema = z.strictObject({
  name: displayKeyNameSchema,
  /** SHA-256 of the key (the key has 256 random bits: a slow hash adds nothing). */
  hash: z.string(),
  createdAt: z.iso.datetime(),
  createdBy: z.string(),
});
const fileSchema = z.strictObject({ keys: z.array(entrySchema) });
type Entry = z.infer<typeof entrySchema>;

/** What the admin sees of a key (never the key or its hash). */
export interface DisplayKeyInfo {
  readonly name: string;
  readonly createdAt: string;
  readonly createdBy: string;
}

const hashOf = (key: string) => createHash('sha256').update(key).digest('base64url');

/**
 * Keys for wall displays (`<dataDir>/display-keys.json`, hashed): a screen at the room door
 * signs in with its key as a read-only viewer, again by itself after every restart or expiry,
 * until an admin revokes the key (which also ends its sessions: see `stamp`).
 */
@Injectable()
export class DisplayKeys implements OnModuleInit {
  private readonly logger = new Logger(DisplayKeys.name);
  private readonly file: AtomicJsonFile<z.infer<typeof fileSchema>>;
  private readonly changes = new SerialQueue();
  private entries: Entry[] = [];

  constructor(@Inject(STORAGE_CONFIG.token) config: StorageConfig) {
    this.file = new AtomicJsonFile(
      join(config.dataDir, 'display-keys.json'),
      fileSchema,
      this.logger,
    );
  }

  async onModuleInit(): Promise<void> {
    const { value, problems } = await this.file.read();
    for (const problem of problems) this.logger.warn(`display keys: ${problem}`);
    this.entries = value?.keys ?? [];
  }

  list(): DisplayKeyInfo[] {
    return this.entries.map(({ name, createdAt, createdBy }) => ({ name, createdAt, createdBy }));
  }

  /** A new key for `name` (shown once: only its hash is kept); null when the name is taken. */
  create(name: string, createdBy: string, now = new Date()): Promise<string | null> {
    return this.changes.run(async () => {
      if (this.entries.some((e) => e.name === name)) return null;
      const key = randomBytes(32).toString('base64url');
      const entry = { name, hash: hashOf(key), createdAt: now.toISOString(), createdBy };
      await this.file.write({ keys: [...this.entries, entry] });
      this.entries = [...this.entries, entry];
      return key;
    });
  }

  /** Revokes `name`: its key stops working and its sessions end. False when unknown. */
  remove(name: string): Promise<boolean> {
    return this.changes.run(async () => {
      const kept = this.entries.filter((e) => e.name !== name);
      if (kept.length === this.entries.length) return false;
      await this.file.write({ keys: kept });
      this.entries = kept;
      return true;
    });
  }

  /** The display a key belongs to, or null (compared in constant time). */
  verify(key: string): string | null {
    const hash = Buffer.from(hashOf(key));
    const entry = this.entries.find((e) => {
      const stored = Buffer.from(e.hash);
      return stored.length === hash.length && timingSafeEqual(stored, hash);
    });
    return entry?.name ?? null;
  }

  /** What a display session is tied to: gone (null) once the key is revoked or replaced. */
  stamp(name: string): string | null {
    const entry = this.entries.find((e) => e.name === name);
    return entry ? `display:${entry.hash}` : null;
  }
}
