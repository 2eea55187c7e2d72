import { join } from 'node:path';
import { z } from 'zod';
import { AtomicJsonFile } from '../persistence/atomic-json-file';

const schema = z.strictObject({ latched: z.array(z.string().max(64)).max(100) });

/**
 * `<dataDir>/latched-alarms.json`: latched alarms survive a restart. Without it a crash loop
 * would clear `fill_timeout` and auto fills would resume against an empty supply dewar.
 */
export class LatchedAlarmsFile {
  private readonly file: AtomicJsonFile<z.infer<typeof schema>>;
  private lastSaved = '';

  constructor(
    dataDir: string,
    private readonly logger: { warn(m: string): void; error(m: string): void },
  ) {
    this.file = new AtomicJsonFile(join(dataDir, 'latched-alarms.json'), schema, logger);
  }

  async load(): Promise<string[]> {
    const { value, problems } = await this.file.read();
    for (const problem of problems) this.logger.error(`latched alarms file: ${problem}`);
    const latched = value?.latched ?? [];
    this.lastSaved = JSON.stringify([...latched].sort());
    return latched;
  }

  /** Saves when the set changed since the last save; never throws (logged). */
  async save(latched: readonly string[]): Promise<void> {
    const key = JSON.stringify([...latched].sort());
    if (key === this.lastSaved) return;
    this.lastSaved = key;
    try {
      await this.file.write({ latched: [...latched] });
    } catch (error) {
      // A full or failing SD card must not stop control; the next change retries.
      this.lastSaved = '';
      this.logger.error(
        `could not save latched alarms: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
