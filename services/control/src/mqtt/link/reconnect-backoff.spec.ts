import { DEFAULT_BACKOFF, ReconnectBackoff } from './reconnect-backoff';

describe('ReconnectBackoff', () => {
  it('doubles up to the cap, with the delay drawn from the upper half', () => {
    const low = new ReconnectBackoff({ initialMs: 500, maxMs: 10_000, random: () => 0 });
    expect(Array.from({ length: 8 }, () => low.nextDelayMs())).toEqual([
      250, 500, 1000, 2000, 4000, 5000, 5000, 5000,
    ]);
    const high = new ReconnectBackoff({ initialMs: 500, maxMs: 10_000, random: () => 0.999999 });
    expect(Array.from({ length: 7 }, () => high.nextDelayMs())).toEqual([
      500, 1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
  });

  it('starts again from the shortest delay after a reset', () => {
    const sut = new ReconnectBackoff({ initialMs: 100, maxMs: 1000, random: () => 1 - 1e-9 });
    sut.nextDelayMs();
    sut.nextDelayMs();
    expect(sut.consecutiveFailures).toBe(2);
    sut.reset();
    expect(sut.nextDelayMs()).toBe(100);
  });

  it('spreads retries (jitter) and never exceeds the cap after many failures', () => {
    const sut = new ReconnectBackoff(DEFAULT_BACKOFF);
    const delays = Array.from({ length: 200 }, () => sut.nextDelayMs()).slice(20);
    expect(Math.max(...delays)).toBeLessThanOrEqual(DEFAULT_BACKOFF.maxMs);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(DEFAULT_BACKOFF.maxMs / 2);
    expect(new Set(delays).size).toBeGreaterThan(10);
  });

  it('rejects impossible settings', () => {
    expect(() => new ReconnectBackoff({ initialMs: 0, maxMs: 10 })).toThrow(RangeError);
    expect(() => new ReconnectBackoff({ initialMs: 100, maxMs: 10 })).toThrow(RangeError);
  });
});
