import type { Trend } from '@cryopilot/protocol';

/** One acquisition, as pushed by the sampling loop. */
export interface TrendSample {
  /** Acquisition time, epoch ms. */
  t: number;
  /** Per channel id; null (or a missing key, or NaN) when the value is not usable. */
  values: Readonly<Record<string, number | null>>;
  /** Valve output, 0..100 %. */
  valveOutput: number;
}

/** Options of TrendBuffer.query. */
export interface TrendQueryOptions {
  /** Leave out a sample at exactly toMs. */
  readonly toExclusive?: boolean;
  /**
   * Per channel (column order), the scale deviations are measured against when thinning,
   * instead of each channel's range in the window: over a short window that range can be mere
   * noise, which would then count as much as a real move elsewhere.
   */
  readonly scales?: readonly number[];
}

/**
 * The wall clock can step back (NTP correcting a Pi without RTC). A step back of up to this
 * much is absorbed by clamping the time to the newest sample; a larger one clears the
 * buffer, whose history is then on a different time base.
 */
export const MAX_CLAMPED_STEP_BACK_MS = 1000;

/**
 * Recent history for charts: a columnar ring buffer on typed arrays, fixed memory, the
 * oldest sample overwritten when full. `push()` is O(1) and allocation-free (the sampling
 * loop calls it at 10 Hz); `query()` thins a time window for charting.
 *
 * Times are kept non-decreasing (see MAX_CLAMPED_STEP_BACK_MS) so windows are found by
 * binary search.
 */
export class TrendBuffer {
  /** Channel ids, in column order. */
  readonly channelIds: readonly string[];
  /** Samples kept at most. */
  readonly capacity: number;
  private readonly times: Float64Array;
  /** One column per channel id; NaN where no usable value. */
  private readonly columns: Float32Array[];
  private readonly valveOutputs: Float32Array;
  /** Physical index of the next write. */
  private head = 0;
  private count = 0;

  /** @throws RangeError for a capacity that is not a positive integer or duplicate ids. */
  constructor(channelIds: string[], capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    }
    if (new Set(channelIds).size !== channelIds.length) {
      throw new RangeError(`channel ids must be unique: ${channelIds.join(', ')}`);
    }
    this.channelIds = [...channelIds];
    this.capacity = capacity;
    // Written through once now: a fresh typed array is zero pages the kernel maps only when
    // first written, so an untouched ring would grow the service's memory over the span it
    // covers (TrendHistory's tiers: 0.83 MB at 100 ms over 4 h) — a short measurement would
    // see a low figure.
    this.times = new Float64Array(capacity).fill(0);
    this.columns = channelIds.map(() => new Float32Array(capacity).fill(0));
    this.valveOutputs = new Float32Array(capacity).fill(0);
  }

  /** Samples currently held (≤ capacity). */
  get size(): number {
    return this.count;
  }

  /** Bytes held by the columns; fixed at construction, whatever is pushed. */
  get storageBytes(): number {
    let bytes = this.times.byteLength + this.valveOutputs.byteLength;
    for (const column of this.columns) bytes += column.byteLength;
    return bytes;
  }

  /** Time of the oldest sample held; null when empty. */
  get oldestTime(): number | null {
    return this.count === 0 ? null : this.times[this.physical(0)];
  }

  /**
   * Stores one sample, overwriting the oldest when full. Non-finite values become "no
   * usable value"; a non-finite time drops the sample (it could not be placed on a chart).
   */
  push(sample: TrendSample): void {
    let t = sample.t;
    if (!Number.isFinite(t)) return;
    if (this.count > 0) {
      const newest = this.times[this.physical(this.count - 1)];
      if (t < newest) {
        if (newest - t > MAX_CLAMPED_STEP_BACK_MS) this.clear();
        else t = newest;
      }
    }
    const at = this.head;
    this.times[at] = t;
    for (let c = 0; c < this.columns.length; c++) {
      const value = sample.values[this.channelIds[c]];
      this.columns[c][at] = typeof value === 'number' && Number.isFinite(value) ? value : NaN;
    }
    // The Trend contract has no null for the valve; a non-finite output (a bug upstream)
    // is drawn as closed rather than poisoning the JSON.
    this.valveOutputs[at] = Number.isFinite(sample.valveOutput) ? sample.valveOutput : 0;
    this.head = at + 1 === this.capacity ? 0 : at + 1;
    if (this.count < this.capacity) this.count += 1;
  }

  /** Forgets every sample (memory stays allocated). */
  clear(): void {
    this.head = 0;
    this.count = 0;
  }

  /**
   * Samples with fromMs ≤ t ≤ toMs, oldest first, at most maxPoints of them. A window with
   * more samples is thinned per bucket of consecutive samples (⌊maxPoints/2⌋ buckets): the
   * bucket's first sample and the one that deviates most from it (the largest per-channel
   * deviation, each channel normalised by its range in the window, so a one-sample spike on
   * any channel survives), both carrying the bucket's highest valve output (so a short fill
   * stays visible). See TrendQueryOptions for the options.
   *
   * @throws RangeError for a non-finite or reversed window, or maxPoints not an integer ≥ 2.
   */
  query(fromMs: number, toMs: number, maxPoints: number, options: TrendQueryOptions = {}): Trend {
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || fromMs > toMs) {
      throw new RangeError(`invalid window ${fromMs}..${toMs}`);
    }
    if (!Number.isInteger(maxPoints) || maxPoints < 2) {
      throw new RangeError(`maxPoints must be an integer ≥ 2, got ${maxPoints}`);
    }
    const first = this.firstIndexAtOrAfter(fromMs);
    const end = options.toExclusive ? this.firstIndexAtOrAfter(toMs) : this.firstIndexAfter(toMs);
    const trend: Trend = {
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      t: [],
      channels: Object.fromEntries(this.channelIds.map((id) => [id, []])),
      valve: [],
    };
    const n = end - first;
    if (n <= maxPoints) {
      for (let i = first; i < end; i++) {
        const p = this.physical(i);
        this.emit(trend, p, this.valveOutputs[p]);
      }
    } else {
      const ranges = options.scales
        ? Float64Array.from(this.columns, (_, c) => options.scales?.[c] ?? 0)
        : this.channelRanges(first, first + n);
      this.emitThinned(trend, first, n, Math.floor(maxPoints / 2), ranges);
    }
    return trend;
  }

  /** Emits `buckets` buckets of the n samples starting at logical index `first` (n > 2·buckets). */
  private emitThinned(
    trend: Trend,
    first: number,
    n: number,
    buckets: number,
    ranges: Float64Array,
  ): void {
    for (let b = 0; b < buckets; b++) {
      const start = first + Math.floor((b * n) / buckets);
      const end = first + Math.floor(((b + 1) * n) / buckets);
      const head = this.physical(start);
      let extreme = -1;
      let largestDeviation = 0;
      let valveMax = this.valveOutputs[head];
      for (let i = start + 1; i < end; i++) {
        const p = this.physical(i);
        if (this.valveOutputs[p] > valveMax) valveMax = this.valveOutputs[p];
        const deviation = this.deviation(head, p, ranges);
        if (deviation > largestDeviation) {
          largestDeviation = deviation;
          extreme = p;
        }
      }
      this.emit(trend, head, valveMax);
      // A bucket where nothing moved is drawn well enough by its first sample alone.
      if (extreme >= 0) this.emit(trend, extreme, valveMax);
    }
  }

  /**
   * Largest normalised deviation of sample p from sample head over all channels. A value
   * appearing or disappearing (quality change) counts as a full-range move.
   */
  private deviation(head: number, p: number, ranges: Float64Array): number {
    let largest = 0;
    for (let c = 0; c < this.columns.length; c++) {
      const a = this.columns[c][head];
      const b = this.columns[c][p];
      let deviation = 0;
      if (Number.isNaN(a) !== Number.isNaN(b)) deviation = 1;
      else if (!Number.isNaN(a) && ranges[c] > 0) deviation = Math.abs(b - a) / ranges[c];
      if (deviation > largest) largest = deviation;
    }
    return largest;
  }

  /** max − min of each channel over logical indices [start, end); 0 when flat or all NaN. */
  private channelRanges(start: number, end: number): Float64Array {
    const ranges = new Float64Array(this.columns.length);
    for (let c = 0; c < this.columns.length; c++) {
      const column = this.columns[c];
      let min = Infinity;
      let max = -Infinity;
      for (let i = start; i < end; i++) {
        const v = column[this.physical(i)];
        // NaN fails both comparisons, so missing values are skipped without a branch.
        if (v < min) min = v;
        if (v > max) max = v;
      }
      ranges[c] = max > min ? max - min : 0;
    }
    return ranges;
  }

  private emit(trend: Trend, p: number, valve: number): void {
    trend.t.push(this.times[p]);
    for (let c = 0; c < this.columns.length; c++) {
      trend.channels[this.channelIds[c]].push(fromFloat32(this.columns[c][p]));
    }
    trend.valve.push(fromFloat32(valve) ?? 0);
  }

  /** Logical index (0 = oldest) → physical index in the columns. */
  private physical(logical: number): number {
    // logical < count ≤ capacity, so p lies in [head − capacity, head): one wrap at most.
    const p = this.head - this.count + logical;
    return p < 0 ? p + this.capacity : p;
  }

  /** Logical index of the first sample with t ≥ ms (size when none). */
  private firstIndexAtOrAfter(ms: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[this.physical(mid)] < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Logical index of the first sample with t > ms (size when none). */
  private firstIndexAfter(ms: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[this.physical(mid)] <= ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * A stored Float32 as the number the chart should show: NaN → null, and rounded to the 7
 * significant digits a Float32 holds, so 20.9 goes out as 20.9, not 20.899999618530273.
 */
function fromFloat32(value: number): number | null {
  return Number.isNaN(value) ? null : Number(value.toPrecision(7));
}
