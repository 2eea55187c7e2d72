import { backoffDelayMs } from './backoff';

describe('backoffDelayMs', () => {
  const policy = { initialMs: 500, maxMs: 10_000 };

  it('doubles up to the cap, drawn from the upper half (equal jitter)', () => {
    const delays = (random: () => number) =>
      Array.from({ length: 8 }, (_, retry) => backoffDelayMs(retry, policy, random));
    expect(delays(() => 0)).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);
    expect(delays(() => 0.999999)).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });

  it('never exceeds the cap and spreads retries, however many failures', () => {
    const delays = Array.from({ length: 200 }, (_, retry) => backoffDelayMs(retry + 20, policy));
    expect(Math.max(...delays)).toBeLessThanOrEqual(policy.maxMs);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(policy.maxMs / 2);
    expect(new Set(delays).size).toBeGreaterThan(10);
    expect(backoffDelayMs(10_000, policy, () => 0.5)).toBe(7500);
  });

  it('gives exact delays without jitter', () => {
    expect(
      [0, 1, 2, 3].map((n) => backoffDelayMs(n, { initialMs: 2, maxMs: 1000, jitter: 'none' })),
    ).toEqual([2, 4, 8, 16]);
  });

  it('rejects impossible settings', () => {
    expect(() => backoffDelayMs(0, { initialMs: -1, maxMs: 10 })).toThrow(RangeError);
    expect(() => backoffDelayMs(0, { initialMs: 100, maxMs: 10 })).toThrow(RangeError);
    expect(() => backoffDelayMs(-1, policy)).toThrow(RangeError);
  });
});
