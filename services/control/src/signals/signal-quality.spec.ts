import { classifyLoopCurrent, scaleLoopCurrent, valueForQuality } from './signal-quality';

describe('classifyLoopCurrent (NAMUR NE43 bands)', () => {
  it.each([
    [0, 'bad'],
    [3.59, 'bad'],
    [3.6, 'uncertain'],
    [3.79, 'uncertain'],
    [3.8, 'good'],
    [4, 'good'],
    [12, 'good'],
    [20, 'good'],
    [20.5, 'good'],
    [20.51, 'uncertain'],
    [21.0, 'uncertain'],
    [21.01, 'bad'],
    [22, 'bad'],
    [-0.05, 'bad'],
    [Number.NaN, 'bad'],
  ])('%s mA → %s', (mA, quality) => {
    expect(classifyLoopCurrent(mA)).toBe(quality);
  });
});

describe('scaleLoopCurrent', () => {
  const o2 = { min: 0, max: 25 };
  it.each([
    [4, 0],
    [20, 25],
    [17.376, 20.9],
    [16.48, 19.5],
    [15.52, 18.0],
    [12, 12.5],
  ])('%s mA → %s %%vol on 0–25', (mA, value) => {
    expect(scaleLoopCurrent(mA, o2)).toBeCloseTo(value, 6);
  });

  it('handles an offset range (−50..150)', () => {
    expect(scaleLoopCurrent(12, { min: -50, max: 150 })).toBeCloseTo(50, 6);
  });

  it('handles an inverted range (100 at 4 mA, 0 at 20 mA)', () => {
    expect(scaleLoopCurrent(8, { min: 100, max: 0 })).toBeCloseTo(75, 6);
  });
});

describe('valueForQuality', () => {
  const level = { min: 0, max: 100 };
  it.each([
    [12, 'good', 50],
    [3.9, 'good', 0], // NE43 under-range is a valid, saturated reading: clamped to the range
    [20.4, 'good', 100],
    [3.7, 'uncertain', 0],
    [20.8, 'uncertain', 100],
    [2, 'bad', null],
    [12, 'stale', null],
    [17.4, 'warmup', null],
  ] as const)('%s mA with quality %s → %s', (mA, quality, value) => {
    expect(valueForQuality(mA, quality, level)).toBe(value);
  });
});
