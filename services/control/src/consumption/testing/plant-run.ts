import type { FillRecord } from '@cryopilot/protocol';
import { TimelineRecorder } from '../timeline-recorder';
import type { TimelineEntry } from '../timeline';

/** A dewar under auto level control, sampled every `sampleS`, for the consumption specs. */
export interface PlantRun {
  /** Level lost per hour between fills (may change over time). */
  readonly drainPctPerH: (hour: number) => number;
  /** Level gained per minute while filling (may change over time). */
  readonly fillPctPerMin: (hour: number) => number;
  /** Uniform noise amplitude on each level reading, %. */
  readonly noisePct: number;
  readonly hours: number;
  readonly seed: number;
  readonly sampleS?: number;
  readonly startLevelPct?: number;
}

export const T0 = Date.parse('2026-11-01T00:00:00.000Z');

/** Runs the plant and returns the timeline entries and the fills, as the service records them. */
export function runPlant(
  run: PlantRun,
  settleS = 300,
): {
  entries: TimelineEntry[];
  fills: FillRecord[];
  lastLevel: number;
} {
  const sampleS = run.sampleS ?? 10;
  const recorder = new TimelineRecorder({ settleS, stretchMaxS: 3600, stretchMinS: 600 });
  const entries: TimelineEntry[] = [];
  const fills: FillRecord[] = [];
  let random = run.seed >>> 0 || 1;
  const noise = () => {
    // xorshift32: reproducible per seed.
    random ^= random << 13;
    random ^= random >>> 17;
    random ^= random << 5;
    return ((random >>> 0) / 2 ** 32) * 2 - 1;
  };
  let level = run.startLevelPct ?? 60;
  let open = false;
  let fillStart: { mono: number; ts: string; from: number } | null = null;
  for (let t = 0; t <= run.hours * 3600; t += sampleS) {
    const hour = t / 3600;
    level +=
      ((open ? run.fillPctPerMin(hour) * 60 : 0) - run.drainPctPerH(hour)) * (sampleS / 3600);
    level = Math.max(0, Math.min(100, level));
    const reading = level + noise() * run.noisePct;
    const mono = t * 1000;
    const ts = new Date(T0 + mono).toISOString();
    if (!open && reading < 20) {
      open = true;
      fillStart = { mono, ts, from: reading };
    } else if (open && reading >= 80) {
      open = false;
    }
    const step = { mono, ts, open, levelPct: reading };
    entries.push(...recorder.step(step));
    if (!open && fillStart) {
      const fill: FillRecord = {
        start: fillStart.ts,
        end: ts,
        durationS: (mono - fillStart.mono) / 1000,
        levelFromPct: fillStart.from,
        levelToPct: reading,
        mode: 'auto',
        endedBy: 'stop_level',
      };
      fills.push(fill);
      entries.push(...recorder.fillEnded(fill, step));
      fillStart = null;
    }
  }
  return { entries, fills, lastLevel: level };
}
