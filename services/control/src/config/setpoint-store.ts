import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  DEFAULT_SETPOINTS,
  formatIssues,
  issueFields,
  Setpoints,
  SetpointsPatch,
  setpointsSchema,
} from '@cryopilot/protocol';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AtomicJsonFile } from '../persistence/atomic-json-file';
import { isDiskFull } from '../persistence/fs-errors';
import { SETPOINTS_CONFIG, SetpointsConfig } from './config.slices';

export type SetpointChange =
  | { readonly ok: true; readonly setpoints: Setpoints }
  | {
      readonly ok: false;
      readonly code: 'invalid_args' | 'storage_full';
      readonly message: string;
      readonly fields?: Readonly<Record<string, string>>;
    };

/** What reading a setpoint file written by another version had to adjust. */
export interface SetpointFileAdjustments {
  /** Fields the file lacks (written before they existed): taken from the config/defaults. */
  readonly filled: string[];
  /** Fields the file has that this version does not know (a newer version wrote it): dropped. */
  readonly dropped: string[];
}

/**
 * The schema of `setpoints.json` as read: a file written by an older version lacks the newer
 * fields, one written by a newer version (before a downgrade) has fields this one does not
 * know. Refusing either would silently put back the configured setpoints — every runtime
 * change, the trips included, undone by an upgrade. So the missing fields come from `base`
 * (config over defaults), the unknown ones are set aside, and the result is still validated
 * as a whole; `adjustments` says what happened, for the log. A complete current file passes
 * through unchanged (this schema validates writes too).
 */
export function setpointFileSchema(base: Setpoints, adjustments: SetpointFileAdjustments) {
  const known = Object.keys(base) as (keyof Setpoints)[];
  return z.preprocess((raw) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
    const stored = raw as Record<string, unknown>;
    const completed: Record<string, unknown> = {};
    for (const key of known) {
      if (key in stored) completed[key] = stored[key];
      else {
        completed[key] = base[key];
        adjustments.filled.push(key);
      }
    }
    for (const key of Object.keys(stored)) {
      if (!(known as string[]).includes(key)) adjustments.dropped.push(key);
    }
    return completed;
  }, setpointsSchema) as unknown as z.ZodType<Setpoints>;
}

/**
 * The current setpoints: config values over the defaults, overridden by runtime changes
 * persisted atomically in `<dataDir>/setpoints.json`. A corrupt state file is reported and the
 * last good copy (or the config) is used — never a crash. A file from another version is
 * completed or trimmed field by field (`setpointFileSchema`), never thrown away whole.
 */
@Injectable()
export class SetpointStore {
  private readonly logger = new Logger(SetpointStore.name);
  private readonly file: AtomicJsonFile<Setpoints>;
  private current: Setpoints;
  private readonly adjustments: SetpointFileAdjustments = { filled: [], dropped: [] };

  constructor(@Inject(SETPOINTS_CONFIG.token) private readonly config: SetpointsConfig) {
    // Config was validated at start-up, so the merge is a valid, consistent set.
    this.current = setpointsSchema.parse({ ...DEFAULT_SETPOINTS, ...config.setpoints });
    this.file = new AtomicJsonFile(
      join(config.dataDir, 'setpoints.json'),
      setpointFileSchema(this.current, this.adjustments),
      this.logger,
    );
  }

  /** Loads the persisted setpoints; called once before the control loop starts. */
  async load(): Promise<Setpoints> {
    await mkdir(this.config.dataDir, { recursive: true });
    this.adjustments.filled.length = 0;
    this.adjustments.dropped.length = 0;
    const { value, source, problems } = await this.file.read();
    for (const problem of problems) this.logger.error(`setpoint state file: ${problem}`);
    if (value) {
      this.current = value;
      this.logger.log(`setpoints loaded from the ${source} state file`);
      const { filled, dropped } = this.adjustments;
      if (filled.length > 0) {
        this.logger.warn(
          `setpoint state file has no ${unique(filled).join(', ')} (written by an older version): the configured values are used for them`,
        );
      }
      if (dropped.length > 0) {
        this.logger.warn(
          `setpoint state file has ${unique(dropped).join(', ')}, unknown to this version: ignored (kept in the file until the next change)`,
        );
      }
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
      return {
        ok: false,
        code: 'invalid_args',
        message: formatIssues(merged.error).join('; '),
        fields: issueFields(merged.error),
      };
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

function unique(keys: string[]): string[] {
  return [...new Set(keys)];
}
