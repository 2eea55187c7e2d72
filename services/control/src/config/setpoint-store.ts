import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  DEFAULT_SETPOINTS,
  formatIssues,
  Setpoints,
  SetpointsPatch,
  setpointsSchema,
} from '@cryopilot/protocol';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AtomicJsonFile } from '../persistence/atomic-json-file';
import { isDiskFull } from '../persistence/fs-errors';
import { SETPOINTS_CONFIG, SetpointsConfig } from './config.slices';

export type SetpointChange =
  | { readonly ok: true; readonly setpoints: Setpoints }
  | {
      readonly ok: false;
      readonly code: 'invalid_args' | 'storage_full';
      readonly message: string;
    };

/**
 * The current setpoints: config values over the defaults, overridden by runtime changes
 * persisted atomically in `<dataDir>/setpoints.json`. A corrupt state file is reported and the
 * last good copy (or the config) is used — never a crash.
 */
@Injectable()
export class SetpointStore {
  private readonly logger = new Logger(SetpointStore.name);
  private readonly file: AtomicJsonFile<Setpoints>;
  private current: Setpoints;

  constructor(@Inject(SETPOINTS_CONFIG.token) private readonly config: SetpointsConfig) {
    this.file = new AtomicJsonFile(
      join(config.dataDir, 'setpoints.json'),
      setpointsSchema,
      this.logger,
    );
    // Config was validated at start-up, so the merge is a valid, consistent set.
    this.current = setpointsSchema.parse({ ...DEFAULT_SETPOINTS, ...config.setpoints });
  }

  /** Loads the persisted setpoints; called once before the control loop starts. */
  async load(): Promise<Setpoints> {
    await mkdir(this.config.dataDir, { recursive: true });
    const { value, source, problems } = await this.file.read();
    for (const problem of problems) this.logger.error(`setpoint state file: ${problem}`);
    if (value) {
      this.current = value;
      this.logger.log(`setpoints loaded from the ${source} state file`);
    } else if (problems.length > 0) {
      this.logger.warn('no usable setpoint state file: using the configured setpoints');
    }
    return this.current;
  }

  get(): Setpoints {
    return this.current;
  }

  /**
   * Merges a partial change, validates the result as a whole, persists it, then makes it
   * current. Nothing changes when validation or the write fails.
   */
  async apply(patch: SetpointsPatch): Promise<SetpointChange> {
    const merged = setpointsSchema.safeParse({ ...this.current, ...patch });
    if (!merged.success) {
      return { ok: false, code: 'invalid_args', message: formatIssues(merged.error).join('; ') };
    }
    try {
      await this.file.write(merged.data);
    } catch (error) {
      // A full disk is the operator's problem to see, not an internal error: said plainly,
      // and nothing changed (the old file is intact, AtomicJsonFile writes beside it).
      if (!isDiskFull(error)) throw error;
      return {
        ok: false,
        code: 'storage_full',
        message: 'the data disk is full: setpoints not saved, nothing changed',
      };
    }
    this.current = merged.data;
    return { ok: true, setpoints: merged.data };
  }
}
