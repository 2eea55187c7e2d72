import type { FillEndCause, FillEvent, FillRecord, Mode } from '@cryopilot/protocol';

/** What the tracker needs of one control step (a sample, or a re-evaluation after a request). */
export interface FillStep {
  /** Wall time of the step, ISO. */
  readonly ts: string;
  /** Control clock (ms): durations under `SIM_SPEED` are simulated time, like `maxFillS`. */
  readonly mono: number;
  readonly open: boolean;
  readonly mode: Mode;
  /** Set on the step that closed the valve. */
  readonly closedBy: FillEndCause | null;
  /** Who asked for a manual open, while it lasts. */
  readonly openedBy: string | null;
  /** The level when its reading is `good`, else null (a bad reading is no fill figure). */
  readonly levelPct: number | null;
}

interface OpenFill {
  readonly record: FillRecord;
  readonly startMono: number;
}

/**
 * Turns the valve's steps into fills (pure): a fill starts when the valve opens and ends when
 * it closes, with the level before and after and what closed it. The level kept is the last
 * good reading, so a fill ended by a level-sensor fault still has a credible "from".
 */
export class FillTracker {
  private openFill: OpenFill | null = null;
  private lastGoodLevel: number | null = null;
  /** Good level seen since the fill started, for its end figure. */
  private levelDuringFill: number | null = null;

  /** The fill in progress (`end: null`), if any. */
  get current(): FillRecord | null {
    return this.openFill?.record ?? null;
  }

  /** The events of one step: at most one (a step either opens or closes the valve). */
  step(s: FillStep): FillEvent[] {
    if (s.levelPct !== null) this.lastGoodLevel = s.levelPct;
    if (s.open && !this.openFill) {
      const record: FillRecord = {
        start: s.ts,
        end: null,
        durationS: null,
        levelFromPct: roundOrNull(this.lastGoodLevel),
        levelToPct: null,
        mode: s.mode,
        endedBy: null,
        ...(s.mode === 'manual' && s.openedBy !== null ? { user: s.openedBy } : {}),
      };
      this.openFill = { record, startMono: s.mono };
      this.levelDuringFill = null;
      return [{ event: 'started', fill: record, ts: s.ts }];
    }
    if (!this.openFill) return [];
    if (s.levelPct !== null) this.levelDuringFill = s.levelPct;
    if (s.open) return [];
    const { record, startMono } = this.openFill;
    const ended: FillRecord = {
      ...record,
      end: s.ts,
      durationS: round(Math.max(0, s.mono - startMono) / 1000, 1),
      levelToPct: roundOrNull(this.levelDuringFill ?? this.lastGoodLevel),
      endedBy: s.closedBy ?? 'operator',
    };
    this.openFill = null;
    return [{ event: 'ended', fill: ended, ts: s.ts }];
  }
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function roundOrNull(value: number | null): number | null {
  return value === null ? null : round(value, 2);
}
