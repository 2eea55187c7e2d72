import { trendSchema, type Trend } from '@cryopilot/protocol';
import fc from 'fast-check';
import { MAX_CLAMPED_STEP_BACK_MS, TrendBuffer, type TrendSample } from './trend-buffer';
import { COARSE_SLOT_MS, TrendHistory } from './trend-history';

const CHANNELS = ['o2_1', 'o2_2', 'ln2_level'];
/** As configured by default: O2 in 0–25 %vol, the level in 0–100 %. */
const SPANS = [25, 25, 100];
const T0 = Date.UTC(2026, 0, 1);
const PERIOD_MS = 100;
/** Small, so that the fine tier spans 20 slots (20 s) and histories stay short. */
const MAX_POINTS = 40;
const FINE_SPAN_MS = (MAX_POINTS / 2) * COARSE_SLOT_MS;
const RETAIN_MS = 300_000;

/** A quiet plant with a little noise on every channel. */
function quiet(i: number, valveOutput = 0): TrendSample {
  return {
    t: T0 + i * PERIOD_MS,
    values: {
      o2_1: 20.9 + 0.01 * Math.sin(i),
      o2_2: 20.8 + 0.01 * Math.cos(i),
      ln2_level: 80 - i * 0.0001,
    },
    valveOutput,
  };
}

function history(options: Partial<ConstructorParameters<typeof TrendHistory>[1]> = {}) {
  const channels = CHANNELS.map((id, c) => ({ id, span: SPANS[c] }));
  return new TrendHistory(channels, {
    periodMs: PERIOD_MS,
    retainMs: RETAIN_MS,
    maxPoints: MAX_POINTS,
    ...options,
  });
}

/** The output's shape: ordered, inside the window, within the point budget, schema-valid. */
function expectWellFormed(trend: Trend, fromMs: number, toMs: number, maxPoints = MAX_POINTS) {
  expect(trend.t.length).toBeLessThanOrEqual(maxPoints);
  for (const id of CHANNELS) expect(trend.channels[id]).toHaveLength(trend.t.length);
  expect(trend.valve).toHaveLength(trend.t.length);
  for (let i = 1; i < trend.t.length; i++)
    expect(trend.t[i]).toBeGreaterThanOrEqual(trend.t[i - 1]);
  for (const t of trend.t) {
    expect(t).toBeGreaterThanOrEqual(fromMs);
    expect(t).toBeLessThanOrEqual(toMs);
  }
  expect(trend.from).toBe(new Date(fromMs).toISOString());
  expect(trend.to).toBe(new Date(toMs).toISOString());
  expect(trendSchema.safeParse(trend).success).toBe(true);
}

describe('TrendHistory', () => {
  it('draws a window within the recent span exactly as a ring of every sample would', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3000 }),
        fc.integer({ min: 1, max: FINE_SPAN_MS }),
        fc.array(fc.record({ at: fc.nat(), value: fc.double({ min: 0, max: 25 }) }), {
          maxLength: 5,
        }),
        (count, windowMs, spikes) => {
          const tiered = history();
          const plain = new TrendBuffer(CHANNELS, count);
          const spikeAt = new Map(spikes.map((s) => [s.at % count, s.value]));
          for (let i = 0; i < count; i++) {
            const sample = quiet(i);
            const spike = spikeAt.get(i);
            if (spike !== undefined) sample.values = { ...sample.values, o2_1: spike };
            tiered.push(sample);
            plain.push(sample);
          }
          const toMs = T0 + (count - 1) * PERIOD_MS;
          const fromMs = toMs - windowMs;
          expect(tiered.query(fromMs, toMs)).toEqual(
            plain.query(fromMs, toMs, MAX_POINTS, { scales: SPANS }),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps a one-sample O2 dip and a one-sample fill anywhere in the retention visible', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: RETAIN_MS / PERIOD_MS - 1 }),
        fc.integer({ min: 0, max: RETAIN_MS / PERIOD_MS - 1 }),
        fc.integer({ min: FINE_SPAN_MS + 1000, max: RETAIN_MS }),
        (dipAt, fillAt, windowMs) => {
          const count = RETAIN_MS / PERIOD_MS;
          const h = history();
          for (let i = 0; i < count; i++) {
            const sample = quiet(i, i === fillAt ? 100 : 0);
            if (i === dipAt) sample.values = { ...sample.values, o2_1: 17.5 };
            h.push(sample);
          }
          const toMs = T0 + (count - 1) * PERIOD_MS;
          const fromMs = toMs - windowMs;
          const trend = h.query(fromMs, toMs);
          expectWellFormed(trend, fromMs, toMs);
          const dipT = T0 + dipAt * PERIOD_MS;
          if (dipT >= fromMs) {
            expect(trend.channels.o2_1).toContain(17.5);
            // At its own time: the point is a real sample, not a made-up one.
            expect(trend.t[trend.channels.o2_1.indexOf(17.5)]).toBe(dipT);
          } else {
            expect(trend.channels.o2_1).not.toContain(17.5);
          }
          // A fill outside the window may share the boundary slot; inside, it always shows.
          if (T0 + fillAt * PERIOD_MS >= fromMs + COARSE_SLOT_MS) {
            expect(Math.max(...trend.valve)).toBe(100);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('spends the point budget on the time that has data (a window longer than the uptime)', () => {
    const h = history();
    const count = (FINE_SPAN_MS + 5_000) / PERIOD_MS; // 25 s of samples, one tier boundary
    for (let i = 0; i < count; i++) h.push(quiet(i));
    const toMs = T0 + (count - 1) * PERIOD_MS;

    const trend = h.query(toMs - RETAIN_MS, toMs);

    expectWellFormed(trend, toMs - RETAIN_MS, toMs);
    expect(trend.t.length).toBeGreaterThanOrEqual(MAX_POINTS - 4);
    expect(trend.t[0]).toBe(T0);
  });

  it('spreads the points evenly over a window that spans both tiers', () => {
    const h = history();
    const count = RETAIN_MS / PERIOD_MS;
    for (let i = 0; i < count; i++) h.push(quiet(i));
    const toMs = T0 + (count - 1) * PERIOD_MS;

    const trend = h.query(toMs - RETAIN_MS, toMs);

    expectWellFormed(trend, toMs - RETAIN_MS, toMs);
    // As many points per minute before the fine tier's span as within it (±1 bucket).
    const older = trend.t.filter((t) => t < toMs - FINE_SPAN_MS).length;
    const expected = (MAX_POINTS * (RETAIN_MS - FINE_SPAN_MS)) / RETAIN_MS;
    expect(Math.abs(older - expected)).toBeLessThanOrEqual(2);
  });

  it('holds a quarter of the memory of every sample at 100 ms, one tier at 500 ms', () => {
    const fourHours = 240 * 60_000;
    const at100 = history({ retainMs: fourHours, maxPoints: 1200 });
    const everySample = new TrendBuffer(CHANNELS, fourHours / PERIOD_MS);
    expect(at100.storageBytes).toBeLessThan(everySample.storageBytes / 4);
    expect(at100.storageBytes).toBeLessThan(0.85e6);

    const at500 = history({ periodMs: 500, retainMs: fourHours, maxPoints: 1200 });
    expect(at500.storageBytes).toBe(new TrendBuffer(CHANNELS, fourHours / 500).storageBytes);
  });

  it('starts over on a clock step back the ring cannot absorb, in every tier', () => {
    const h = history();
    for (let i = 0; i < RETAIN_MS / PERIOD_MS; i++) h.push(quiet(i));
    const back = T0 - 3_600_000;
    h.push({ t: back, values: { o2_1: 20.9 }, valveOutput: 0 });
    h.push({ t: back + 100, values: { o2_1: 20.9 }, valveOutput: 0 });

    const trend = h.query(T0 - 2 * 3_600_000, T0 + RETAIN_MS);
    expect(trend.t).toEqual([back, back + 100]);

    // A small step back is clamped, as TrendBuffer does.
    h.push({ t: back + 100 - MAX_CLAMPED_STEP_BACK_MS / 2, values: { o2_1: 21 }, valveOutput: 0 });
    expect(h.query(back - 1, back + 1000).t).toEqual([back, back + 100, back + 100]);
    h.push({ t: Number.NaN, values: {}, valveOutput: 0 });
    expect(h.query(back - 1, back + 1000).t).toHaveLength(3);
  });

  it('rejects a bad configuration and a bad window', () => {
    expect(() => history({ periodMs: 0 })).toThrow(RangeError);
    expect(() => history({ retainMs: -1 })).toThrow(RangeError);
    expect(() => history({ maxPoints: 3 })).toThrow(RangeError);
    const h = history();
    for (let i = 0; i < RETAIN_MS / PERIOD_MS; i++) h.push(quiet(i));
    expect(() => h.query(T0 + 10, T0)).toThrow(RangeError);
    expect(() => h.query(Number.NaN, T0)).toThrow(RangeError);
  });
});
