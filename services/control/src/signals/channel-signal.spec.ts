import { ChannelSignal } from './channel-signal';

const TS = '2026-01-01T00:00:00.000Z';
const o2 = { id: 'o2_1', label: 'O2 1', unit: '%vol', range: { min: 0, max: 25 }, warmupS: 60 };

describe('ChannelSignal', () => {
  it('reports warm-up for warmupS after start even with a normal-looking current', () => {
    const signal = new ChannelSignal(o2, 0);
    const reading = signal.update(17.4, 59_999, TS);
    expect(reading).toMatchObject({ quality: 'warmup', value: null, mA: 17.4 });
    expect(signal.update(17.376, 60_000, TS)).toMatchObject({ quality: 'good', value: 20.9 });
  });

  it('reports bad (never a value) on a wire break, even during warm-up', () => {
    const signal = new ChannelSignal(o2, 0);
    expect(signal.update(0, 1000, TS)).toMatchObject({ quality: 'bad', value: null });
  });

  it('restarts warm-up when the channel comes back from bad', () => {
    const signal = new ChannelSignal(o2, 0);
    expect(signal.update(17.376, 100_000, TS).quality).toBe('good');
    expect(signal.update(0, 101_000, TS).quality).toBe('bad');
    expect(signal.update(17.4, 102_000, TS).quality).toBe('warmup');
    expect(signal.update(17.376, 162_000, TS).quality).toBe('good');
  });

  it('is stale at once when a read fails, keeping the last mA as history only', () => {
    const signal = new ChannelSignal({ ...o2, warmupS: 0 }, 0);
    signal.update(17.376, 0, TS);
    expect(signal.markReadFailed(TS)).toMatchObject({ quality: 'stale', value: null, mA: 17.376 });
  });

  it('restarts warm-up after bad → read failure → good (the fault is not forgotten)', () => {
    const signal = new ChannelSignal(o2, 0);
    expect(signal.update(17.376, 100_000, TS).quality).toBe('good');
    expect(signal.update(0, 101_000, TS).quality).toBe('bad');
    expect(signal.markReadFailed(TS).quality).toBe('stale');
    expect(signal.markReadFailed(TS).quality).toBe('stale');
    expect(signal.update(17.4, 103_000, TS).quality).toBe('warmup');
    expect(signal.update(17.376, 162_999, TS).quality).toBe('warmup');
    expect(signal.update(17.376, 163_000, TS).quality).toBe('good');
  });

  it('a read failure alone does not restart warm-up (the transmitter was never seen faulted)', () => {
    const signal = new ChannelSignal(o2, 0);
    expect(signal.update(17.376, 100_000, TS).quality).toBe('good');
    expect(signal.markReadFailed(TS).quality).toBe('stale');
    expect(signal.update(17.376, 101_000, TS).quality).toBe('good');
  });

  it('a fault during the initial warm-up restarts it when the transmitter comes back', () => {
    const signal = new ChannelSignal(o2, 0);
    expect(signal.update(0, 30_000, TS).quality).toBe('bad');
    expect(signal.update(17.4, 40_000, TS).quality).toBe('warmup');
    expect(signal.update(17.4, 99_999, TS).quality).toBe('warmup');
    expect(signal.update(17.4, 100_000, TS).quality).toBe('good');
  });

  it('flags uncertain currents and clamps their value', () => {
    const signal = new ChannelSignal({ ...o2, warmupS: 0 }, 0);
    expect(signal.update(3.7, 0, TS)).toMatchObject({ quality: 'uncertain', value: 0 });
  });
});

describe('ChannelSignal before the first read', () => {
  it('a channel never read has neither mA nor value', () => {
    expect(new ChannelSignal(o2, 0).markReadFailed(TS)).toEqual({
      id: 'o2_1',
      label: 'O2 1',
      unit: '%vol',
      mA: null,
      quality: 'stale',
      value: null,
      ts: TS,
    });
  });

  it('rounds mA to µA for display', () => {
    expect(new ChannelSignal(o2, 0).update(17.37649, 0, TS).mA).toBe(17.376);
  });
});
