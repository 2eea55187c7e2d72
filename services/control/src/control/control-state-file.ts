import { modeSchema } from '@cryopilot/protocol';
import { join } from 'node:path';
import { z } from 'zod';
import { AtomicJsonFile } from '../persistence/atomic-json-file';
import type { PersistentControlState } from './control-runtime';

const schema = z.strictObject({
  mode: modeSchema,
  latched: z.array(z.string().max(64)).max(100),
});

/** What a first start (no file) begins with: auto mode, nothing latched. */
const INITIAL: PersistentControlState = { mode: 'auto', latched: [] };

/**
 * `<dataDir>/control-state.json`: what must survive a restart, or a crash loop would undo an
 * operator's decision. The mode, because "keep closed" (valve.close in auto switches to manual)
 * must not become "fill again" after a restart; the latched trips, because a restart must not
 * reset `fill_timeout` or `o2_low_low` in a person's place.
 *
 * Written atomically (temp + fsync + rename, last good copy kept) and only when it changed.
 */
export class ControlStateFile {
  private readonly file: AtomicJsonFile<z.infer<typeof schema>>;
  private lastSaved = '';
  /** The write of `lastSaved`, so a caller asking again waits until it is on disk. */
  private lastWrite: Promise<void> = Promise.resolve();

  constructor(
    dataDir: string,
    private readonly logger: { warn(m: string): void; error(m: string): void },
  ) {
    this.file = new AtomicJsonFile(join(dataDir, 'control-state.json'), schema, logger);
  }

  /** The saved state; the initial state when there is none or it is unreadable (logged). */
  async load(): Promise<PersistentControlState> {
    const { value, problems } = await this.file.read();
    for (const problem of problems) this.logger.error(`control state file: ${problem}`);
    const state = value ?? INITIAL;
    this.lastSaved = key(state);
    return state;
  }

  /**
   * Saves when the state changed since the last save. Resolves once `state` is on disk (also
   * when an identical save is still under way). Never rejects: failures are logged.
   */
  save(state: PersistentControlState): Promise<void> {
    const next = key(state);
    if (next !== this.lastSaved) {
      this.lastSaved = next;
      this.lastWrite = this.write(state);
    }
    return this.lastWrite;
  }

  private async write(state: PersistentControlState): Promise<void> {
    try {
      await this.file.write({ mode: state.mode, latched: [...state.latched] });
    } catch (error) {
      // A full or failing SD card must not stop control; the next change retries.
      this.lastSaved = '';
      this.logger.error(
        `could not save the control state: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

function key(state: PersistentControlState): string {
  return JSON.stringify({ mode: state.mode, latched: [...state.latched].sort() });
}
