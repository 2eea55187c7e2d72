import type { TrendSample } from '../trend-buffer';
import type { TrendPoint } from './trend-point';

/**
 * Stored values are rounded to this many significant digits: finer than any sensor here
 * (0.01 %vol of O2, 0.1 % of level), and a third of the bytes of a full double.
 */
const DIGITS = 5;
const round = (v: number): number => Number(v.toPrecision(DIGITS));

/**
 * Sums samples up into one TrendPoint per period of wall time (a thinned history cheap to
 * keep on an SD card): min, max and last of each channel, so a one-sample O2 dip survives the
 * thinning, and the highest valve output, so a short fill does too.
 */
export class TrendAggregator {
  private bucket = Number.NaN;
  private t = 0;
  private readonly ranges = new Map<string, [number, number, number] | null>();
  private valveMax = 0;
  private valveLast = 0;
  private samples = 0;

  constructor(
    private readonly channelIds: readonly string[],
    private readonly periodMs: number,
  ) {
    if (!(periodMs > 0)) throw new RangeError(`period must be positive, got ${periodMs}`);
  }

  /** Adds a sample; returns the previous period's point when this sample starts a new one. */
  push(sample: TrendSample): TrendPoint | null {
    if (!Number.isFinite(sample.t)) return null;
    const bucket = Math.floor(sample.t / this.periodMs);
    // A new period, or the clock stepped back: what was gathered so far is complete.
    const done = this.samples > 0 && bucket !== this.bucket ? this.take() : null;
    this.bucket = bucket;
    this.t = sample.t;
    for (const id of this.channelIds) {
      const value = sample.values[id];
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      const range = this.ranges.get(id);
      if (!range) this.ranges.set(id, [value, value, value]);
      else {
        if (value < range[0]) range[0] = value;
        if (value > range[1]) range[1] = value;
        range[2] = value;
      }
    }
    const valve = Number.isFinite(sample.valveOutput) ? sample.valveOutput : 0;
    this.valveMax = this.samples === 0 ? valve : Math.max(this.valveMax, valve);
    this.valveLast = valve;
    this.samples += 1;
    return done;
  }

  /** The period gathered so far (at shutdown), or null when empty; starts a new one. */
  take(): TrendPoint | null {
    if (this.samples === 0) return null;
    const c: TrendPoint['c'] = {};
    for (const id of this.channelIds) {
      const range = this.ranges.get(id);
      c[id] = range ? [round(range[0]), round(range[1]), round(range[2])] : null;
    }
    const point: TrendPoint = { t: this.t, c, v: [round(this.valveMax), round(this.valveLast)] };
    this.ranges.clear();
    this.samples = 0;
    return point;
  }
}

/**
 * A stored point as samples for the TrendBuffer: the value farthest from the last one per
 * channel (an O2 dip, a level peak) half a period earlier with the highest valve output, then
 * the last values. A flat period gives one sample.
 */
export function samplesOfPoint(point: TrendPoint, periodMs: number): TrendSample[] {
  const extreme: Record<string, number | null> = {};
  const last: Record<string, number | null> = {};
  let moved = point.v[0] !== point.v[1];
  for (const [id, range] of Object.entries(point.c)) {
    if (!range) {
      extreme[id] = last[id] = null;
      continue;
    }
    const [min, max, value] = range;
    extreme[id] = value - min >= max - value ? min : max;
    last[id] = value;
    if (extreme[id] !== value) moved = true;
  }
  const end: TrendSample = { t: point.t, values: last, valveOutput: point.v[1] };
  if (!moved) return [end];
  return [{ t: point.t - periodMs / 2, values: extreme, valveOutput: point.v[0] }, end];
}
