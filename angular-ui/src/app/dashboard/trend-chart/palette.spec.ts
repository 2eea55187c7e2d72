import { contrastRatio, PALETTES, SERIES_DASHES, type Theme } from './palette';

describe('trend palette', () => {
  it('computes WCAG contrast ratios', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#ffffff')).toBe(1);
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
  });

  for (const theme of ['light', 'dark'] as Theme[]) {
    const palette = PALETTES[theme];
    const lines = {
      ...Object.fromEntries(palette.series.map((c, i) => [`series ${i + 1}`, c])),
      valve: palette.valve,
      critical: palette.critical,
      warning: palette.warning,
      neutral: palette.neutral,
    };
    it.each(Object.entries(lines))(`${theme}: %s %s has ≥ 3:1 against the plot`, (_, colour) => {
      expect(contrastRatio(colour, palette.background)).toBeGreaterThanOrEqual(3);
    });

    it(`${theme}: the plot background is the theme's panel colour`, () => {
      expect(palette.background).toBe(theme === 'light' ? '#ffffff' : '#22272e');
    });
  }

  it('gives every channel its own dash pattern and colour', () => {
    const dashes = SERIES_DASHES.map((d) => d.join(','));
    expect(new Set(dashes).size).toBe(SERIES_DASHES.length);
    for (const theme of ['light', 'dark'] as Theme[]) {
      expect(new Set(PALETTES[theme].series).size).toBe(PALETTES[theme].series.length);
      expect(PALETTES[theme].series.length).toBeLessThanOrEqual(SERIES_DASHES.length);
    }
  });
});
