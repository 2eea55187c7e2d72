import type { FillRecord } from '@cryopilot/protocol';
import { LevelStretch } from './level-stretch';
import type { TimelineEntry } from './timeline';

/** Shorter fills (a top-up) are too short to judge the supply by. */
const MIN_JUDGED_FILL_S = 30;

export interface TimelineRecorderOptions {
  /** Samples this long after a fill ends are skipped (boiling, splashing, a settling float). */
  readonly settleS: number;
  /** An idle stretch is closed into an entry after this long (s), so rates stay recent. */
  readonly stretchMaxS: number;
  /** Shorter stretches (interrupted by a fill or a bad reading) are too noisy to count. */
  readonly stretchMinS: number;
}

/** One control step as the recorder needs it. */
export interface TimelineStep {
  readonly mono: number;
  readonly ts: string;
  readonly open: boolean;
  /** Good level reading, else null. */
  readonly levelPct: number | null;
}

/**
 * Builds timeline entries from control steps (pure, clock given): idle stretches between
 * fills and the fills themselves. Returns the entries completed by each call.
 */
export class TimelineRecorder {
  private stretch: LevelStretch | null = null;
  /** Control time when the last entry ended (spans are measured from it). */
  private lastEntryMono: number | null = null;
  private lastFillEndMono = -Infinity;

  constructor(private readonly options: TimelineRecorderOptions) {}

  step(s: TimelineStep): TimelineEntry[] {
    this.lastEntryMono ??= s.mono;
    const out: TimelineEntry[] = [];
    const settling = (s.mono - this.lastFillEndMono) / 1000 < this.options.settleS;
    if (s.open || s.levelPct === null || settling) {
      this.closeStretch(s, out);
      return out;
    }
    this.stretch ??= new LevelStretch(s.mono);
    this.stretch.add(s.mono, s.levelPct);
    if (this.stretch.durationS >= this.options.stretchMaxS) this.closeStretch(s, out);
    return out;
  }

  /**
   * A fill ended (the control step's fill event): one `fill` entry when it has figures, not
   * judged yet (`slow` false; `judgeable` says whether the supply warning may judge it).
   */
  fillEnded(fill: FillRecord, s: TimelineStep): TimelineEntry[] {
    const out: TimelineEntry[] = [];
    this.closeStretch(s, out);
    this.lastFillEndMono = s.mono;
    if (fill.durationS === null || fill.levelFromPct === null || fill.levelToPct === null) {
      return out;
    }
    out.push({
      kind: 'fill',
      end: s.ts,
      spanS: this.takeSpan(s.mono),
      durationS: fill.durationS,
      levelFromPct: fill.levelFromPct,
      levelToPct: fill.levelToPct,
      complete: fill.endedBy === 'stop_level',
      slow: false,
    });
    return out;
  }

  /** Only fills that ran to their end (stop level or max time) say something about the supply. */
  static judgeable(fill: FillRecord): boolean {
    const ranToEnd = fill.endedBy === 'stop_level' || fill.endedBy === 'max_time';
    return ranToEnd && (fill.durationS ?? 0) >= MIN_JUDGED_FILL_S;
  }

  private closeStretch(s: TimelineStep, out: TimelineEntry[]): void {
    const stretch = this.stretch;
    this.stretch = null;
    if (!stretch) return;
    const slope = stretch.slope();
    if (slope === null || stretch.durationS < this.options.stretchMinS) return;
    out.push({
      kind: 'idle',
      end: s.ts,
      spanS: this.takeSpan(s.mono),
      durationS: round(stretch.durationS, 1),
      slopePctPerS: slope,
      samples: stretch.samples,
    });
  }

  private takeSpan(mono: number): number {
    const span = (mono - (this.lastEntryMono ?? mono)) / 1000;
    this.lastEntryMono = mono;
    return round(Math.max(0, span), 1);
  }
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
