import type { Consumption } from '@cryopilot/protocol';
import { FillEntry, fillSpeedPctPerMin, IdleEntry, TimelineEntry } from './timeline';

/** A rate with how much data it rests on. */
export interface RateFigure {
  /** Level lost per hour (positive while the dewar empties); null without enough data. */
  readonly ratePctPerH: number | null;
  /** Hours of idle level data behind it. */
  readonly hours: number;
}

/**
 * The entries whose end lies within `windowS` of control time before the newest one, after
 * skipping `skipS` (newest first). Spans are summed backwards, so the window is measured on
 * the control clock however the entries were spread.
 */
export function entriesWithin(
  entries: readonly TimelineEntry[],
  windowS: number,
  skipS = 0,
): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  let age = 0;
  for (let i = entries.length - 1; i >= 0; i--) {
    if (age >= skipS + windowS) break;
    if (age >= skipS) out.push(entries[i]);
    age += entries[i].spanS;
  }
  return out;
}

/**
 * Consumption over idle stretches: their slopes weighted by their durations (a long stretch
 * says more than a short one). Null when less than `minHours` of data.
 */
export function rateOver(entries: readonly TimelineEntry[], minHours: number): RateFigure {
  const idle = entries.filter((e): e is IdleEntry => e.kind === 'idle');
  const seconds = idle.reduce((sum, e) => sum + e.durationS, 0);
  const hours = seconds / 3600;
  if (seconds <= 0 || hours < minHours) return { ratePctPerH: null, hours };
  const weighted = idle.reduce((sum, e) => sum + e.slopePctPerS * e.durationS, 0);
  return { ratePctPerH: (-weighted / seconds) * 3600, hours };
}

/** Fills per day over the window: the fills counted, per hour of timeline covered. */
export function fillsPerDay(
  entries: readonly TimelineEntry[],
  minHours: number,
): { perDay: number | null; hours: number; counted: number } {
  const hours = entries.reduce((sum, e) => sum + e.spanS, 0) / 3600;
  const counted = entries.filter((e) => e.kind === 'fill').length;
  return { perDay: hours >= minHours ? (counted * 24) / hours : null, hours, counted };
}

/** The usual fill speed (%/min): median of the newest `count` complete fills not judged slow. */
export function usualFillSpeed(
  entries: readonly TimelineEntry[],
  count: number,
): {
  speed: number | null;
  fills: number;
} {
  const normal = entries
    .filter((e): e is FillEntry => e.kind === 'fill' && e.complete && !e.slow)
    .slice(-count)
    .map(fillSpeedPctPerMin);
  return { speed: median(normal), fills: normal.length };
}

export interface ForecastInputs {
  readonly rate: RateFigure;
  readonly fills: { perDay: number | null; hours: number; counted: number };
  /** Last good level, null when unknown. */
  readonly levelPct: number | null;
  readonly fillStartPct: number;
  readonly dewarCapacityL?: number;
  readonly recentPctPerH: number | null;
  readonly baselinePctPerH: number | null;
  readonly usualFillPctPerMin: number | null;
  readonly lastFillPctPerMin: number | null;
}

/** `GET /api/consumption`: the figures and the forecasts from them, with their basis. */
export function consumptionFigures(i: ForecastInputs): Consumption {
  const rate = i.rate.ratePctPerH;
  const level = i.levelPct;
  // Only a falling level gives a forecast; a rising or flat one would give "never".
  const toLevel = (target: number) =>
    rate !== null && rate > 0 && level !== null
      ? Math.max(0, ((level - target) / rate) * 3600)
      : null;
  const notes: string[] = [];
  if (rate === null) notes.push('not enough level data between fills yet');
  else if (rate <= 0) notes.push('the level is not falling: no forecast');
  if (i.levelPct === null) notes.push('no good level reading');
  if (i.fills.perDay === null) notes.push('fills per day needs more history');
  return {
    ratePctPerH: rate === null ? null : round(rate, 3),
    ...(i.dewarCapacityL !== undefined
      ? { litresPerDay: rate === null ? null : round((rate * 24 * i.dewarCapacityL) / 100, 2) }
      : {}),
    fillsPerDay: i.fills.perDay === null ? null : round(i.fills.perDay, 2),
    timeToFillStartS: roundOrNull(toLevel(i.fillStartPct), 0),
    timeToEmptyS: roundOrNull(toLevel(0), 0),
    basis: {
      rateHours: round(i.rate.hours, 2),
      fillsHours: round(i.fills.hours, 2),
      fillsCounted: i.fills.counted,
      levelPct: i.levelPct === null ? null : round(i.levelPct, 2),
      recentPctPerH: roundOrNull(i.recentPctPerH, 3),
      baselinePctPerH: roundOrNull(i.baselinePctPerH, 3),
      usualFillPctPerMin: roundOrNull(i.usualFillPctPerMin, 3),
      lastFillPctPerMin: roundOrNull(i.lastFillPctPerMin, 3),
      ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
    },
  };
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function roundOrNull(value: number | null, digits: number): number | null {
  return value === null ? null : round(value, digits);
}
