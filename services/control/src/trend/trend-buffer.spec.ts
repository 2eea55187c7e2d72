import { trendSchema, type Trend } from '@cryopilot/protocol';
import { MAX_CLAMPED_STEP_BACK_MS, TrendBuffer, type TrendSample } from './trend-buffer';

const CHANNELS = ['o2_1', 'o2_2', 'ln2_level'];
const T0 = Date.UTC(2026, 0, 1);
const PERIOD_MS = 100; // 10 samples/s

/** A quiet plant: oxygen at ~20.9 % with a little noise, the level draining slowly. */
function normalSample(i: number): TrendSample {
  return {
    t: T0 + i * PERIOD_MS,
    values: {
      o2_1: 20.9 + 0.02 * Math.sin(i),
      o2_2: 20.8 + 0.02 * Math.cos(i),
      ln2_level: 80 - i * 0.001,
    },
    valveOutput: 0,
  };
}

function filled(count: number, capacity = count, sample = normalSample): TrendBuffer {
  const buffer = new TrendBuffer(CHANNELS, capacity);
  for (let i = 0; i < count; i++) buffer.push(sample(i));
  return buffer;
}

const everything = (buffer: TrendBuffer, maxPoints = 1_000_000): Trend =>
  buffer.query(T0 - 86_400_000, T0 + 86_400_000, maxPoints);

describe('TrendBuffer', () => {
  it('keeps the newest samples when it wraps around', () => {
    const buffer = filled(12, 5);

    expect(buffer.size).toBe(5);
    expect(buffer.capacity).toBe(5);
    const trend = everything(buffer);
    expect(trend.t).toEqual([7, 8, 9, 10, 11].map((i) => T0 + i * PERIOD_MS));
    expect(trend.channels.ln2_level).toEqual([7, 8, 9, 10, 11].map((i) => 80 - i * 0.001));
  });

  it('returns exactly the samples inside the window, bounds included, unchanged', () => {
    const buffer = filled(100);

    const trend = buffer.query(T0 + 10 * PERIOD_MS, T0 + 20 * PERIOD_MS, 1000);

    expect(trend.t).toEqual(Array.from({ length: 11 }, (_, k) => T0 + (10 + k) * PERIOD_MS));
    expect(trend.from).toBe(new Date(T0 + 1000).toISOString());
    expect(trend.to).toBe(new Date(T0 + 2000).toISOString());
    expect(trend.channels.o2_1[0]).toBeCloseTo(20.9 + 0.02 * Math.sin(10), 5);
    expect(Object.keys(trend.channels)).toEqual(CHANNELS);
    expect(trendSchema.safeParse(trend).success).toBe(true);

    const between = buffer.query(T0 + 10.5 * PERIOD_MS, T0 + 11.5 * PERIOD_MS, 1000);
    expect(between.t).toEqual([T0 + 11 * PERIOD_MS]);
    const before = buffer.query(T0 - 5000, T0 - 1, 1000);
    expect(before).toMatchObject({ t: [], valve: [], channels: { o2_1: [], ln2_level: [] } });
    expect(buffer.query(T0 + 1e6, T0 + 2e6, 1000).t).toEqual([]);
  });

  it('rejects invalid windows and point counts', () => {
    const buffer = filled(10);
    expect(() => buffer.query(T0 + 1, T0, 100)).toThrow(RangeError);
    expect(() => buffer.query(Number.NaN, T0, 100)).toThrow(RangeError);
    expect(() => buffer.query(T0, T0 + 1, 1)).toThrow(RangeError);
    expect(() => buffer.query(T0, T0 + 1, 10.5)).toThrow(RangeError);
    expect(() => new TrendBuffer(CHANNELS, 0)).toThrow(RangeError);
    expect(() => new TrendBuffer(['a', 'a'], 10)).toThrow(RangeError);
  });

  it('turns null, missing and non-finite values into null', () => {
    const buffer = new TrendBuffer(CHANNELS, 10);
    buffer.push({ t: T0, values: { o2_1: null, o2_2: Number.NaN, ln2_level: 50 }, valveOutput: 0 });
    buffer.push({ t: T0 + 100, values: { o2_1: 20.9, unknown: 3 }, valveOutput: 100 });

    const trend = everything(buffer);

    expect(trend.channels).toEqual({
      o2_1: [null, 20.9],
      o2_2: [null, null],
      ln2_level: [50, null],
    });
    expect(trend.valve).toEqual([0, 100]);
    expect(trendSchema.safeParse(trend).success).toBe(true);
  });

  it('thinning keeps a single-sample spike, a short valve opening and a one-sample gap', () => {
    const spikeAt = 5_537;
    const gapAt = 2_222;
    const buffer = filled(10_000, 10_000, (i) => {
      const sample = normalSample(i);
      const values = { ...sample.values };
      if (i === spikeAt) values.o2_2 = 17.5; // an oxygen dip lasting 100 ms
      if (i === gapAt) values.ln2_level = null; // one bad reading
      const valveOutput = i >= 7_040 && i < 7_043 ? 100 : 0; // a 300 ms fill, mid-bucket
      return { ...sample, values, valveOutput };
    });

    const trend = everything(buffer, 200);

    expect(trend.t.length).toBeLessThanOrEqual(200);
    expect(trend.t.length).toBeGreaterThan(100);
    const spikeIndex = trend.t.indexOf(T0 + spikeAt * PERIOD_MS);
    expect(spikeIndex).toBeGreaterThanOrEqual(0);
    expect(trend.channels.o2_2[spikeIndex]).toBe(17.5);
    expect(trend.channels.ln2_level.filter((v) => v === null)).toHaveLength(1);
    expect(Math.max(...trend.valve)).toBe(100);
    expect(trend.valve.filter((v) => v === 100).length).toBeLessThanOrEqual(4);
    // Points stay in time order.
    expect(trend.t).toEqual([...trend.t].sort((a, b) => a - b));
  });

  it('never returns more than maxPoints, with columns of equal length', () => {
    const buffer = filled(1_000, 1_000, (i) => ({
      ...normalSample(i),
      values: { o2_1: (i * 7919) % 13, o2_2: i % 2 === 0 ? null : i, ln2_level: 50 },
      valveOutput: (i * 31) % 101,
    }));
    for (const maxPoints of [2, 3, 5, 10, 99, 100, 333, 999, 1000, 1001]) {
      const trend = everything(buffer, maxPoints);
      expect(trend.t.length).toBeLessThanOrEqual(maxPoints);
      expect(trend.valve).toHaveLength(trend.t.length);
      for (const id of CHANNELS) expect(trend.channels[id]).toHaveLength(trend.t.length);
    }
    expect(everything(buffer, 1000).t).toHaveLength(1000); // fits: returned unchanged
  });

  it('holds 100k samples in fixed typed-array storage and thins a full-window query', () => {
    const capacity = 100_000;
    const buffer = new TrendBuffer(CHANNELS, capacity);
    const storageBefore = buffer.storageBytes;
    expect(storageBefore).toBe(capacity * (8 + 4 * CHANNELS.length + 4));

    // One sample object reused for every push, as the sampling loop may do.
    const values: Record<string, number | null> = { o2_1: 0, o2_2: 0, ln2_level: 0 };
    const sample: TrendSample = { t: 0, values, valveOutput: 0 };
    for (let i = 0; i < capacity + 5_000; i++) {
      sample.t = T0 + i * PERIOD_MS;
      values.o2_1 = 20.9;
      values.o2_2 = i % 1000 === 0 ? null : 20.8;
      values.ln2_level = 80 - i * 1e-4;
      buffer.push(sample);
    }

    expect(buffer.size).toBe(capacity);
    expect(buffer.storageBytes).toBe(storageBefore);
    const internals = buffer as unknown as Record<string, unknown>;
    expect(internals.times).toBeInstanceOf(Float64Array);
    expect(internals.valveOutputs).toBeInstanceOf(Float32Array);
    const columns = internals.columns as unknown[];
    expect(columns).toHaveLength(CHANNELS.length);
    for (const column of columns) expect(column).toBeInstanceOf(Float32Array);

    const trend = everything(buffer, 600);
    expect(trend.t.length).toBeLessThanOrEqual(600);
    expect(trend.t[0]).toBe(T0 + 5_000 * PERIOD_MS);
    expect(trendSchema.safeParse(trend).success).toBe(true);
  });

  it('absorbs a small clock step back and starts over after a large one', () => {
    const buffer = new TrendBuffer(CHANNELS, 10);
    const at = (t: number): TrendSample => ({ t, values: { o2_1: 20.9 }, valveOutput: 0 });
    buffer.push(at(T0));
    buffer.push(at(T0 + 1000));
    buffer.push(at(T0 + 1000 - MAX_CLAMPED_STEP_BACK_MS / 2));
    expect(everything(buffer).t).toEqual([T0, T0 + 1000, T0 + 1000]);

    buffer.push(at(T0 - 3_600_000));
    expect(buffer.size).toBe(1);
    expect(everything(buffer).t).toEqual([T0 - 3_600_000]);

    buffer.push(at(Number.NaN));
    expect(buffer.size).toBe(1);
  });
});
