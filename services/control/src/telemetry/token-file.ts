import { statSync } from 'node:fs';
import { readSecretFile } from '../config/secret-files';

/**
 * The InfluxDB token kept in a file (INFLUX_TOKEN_FILE): in the Compose stack the InfluxDB
 * init script writes a write-only token for the `cryopilot` bucket into a volume shared with
 * this service. The file is read when first needed, again whenever it changes (size or
 * modification time: a rotated token) and again after the server refused the token; until
 * it exists, writes fail with a clear reason and the outbox keeps every line.
 */
export class TokenFile {
  private token: string | undefined;
  private stamp = '';

  constructor(
    readonly path: string,
    /** The token known at start (read by the config loader), if the file was there. */
    initial?: string,
  ) {
    this.token = initial;
    if (initial !== undefined) this.stamp = this.currentStamp() ?? '';
  }

  /** The current token; throws an Error naming the file when there is none (yet). */
  current(): string {
    const stamp = this.currentStamp();
    if (stamp === undefined) {
      throw new Error(
        `no InfluxDB token yet: ${this.path} does not exist (InfluxDB's first start writes ` +
          'it; on a stack set up before: make rotate-secret NAME=INFLUX_WRITE_TOKEN)',
      );
    }
    if (this.token === undefined || stamp !== this.stamp) {
      this.token = readSecretFile(this.path);
      this.stamp = stamp;
    }
    return this.token;
  }

  /** The server refused the token: read the file again before the next write. */
  invalidate(): void {
    this.token = undefined;
  }

  private currentStamp(): string | undefined {
    try {
      const s = statSync(this.path);
      return `${s.size}:${s.mtimeMs}:${s.ino}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
}
