/**
 * Trend colours: Okabe–Ito hues (told apart with every common colour-vision deficiency),
 * darkened for the light theme and lightened for the dark one so each line keeps ≥ 3:1
 * against the plot (WCAG 1.4.11, non-text contrast). Each series also has its own dash
 * pattern: colour is never the only cue. Red stays for alarms (ISA-101): no series uses it.
 */
export type Theme = 'light' | 'dark';

export interface TrendPalette {
  /** The plot's background (the panel), which the contrast is measured against. */
  readonly background: string;
  /** Channel lines, in channel order (O2 1, O2 2, level, …). */
  readonly series: readonly string[];
  readonly valve: string;
  readonly valveFill: string;
  /** Threshold lines and their labels: O2 trip (low-low), O2 low, level setpoints. */
  readonly critical: string;
  readonly warning: string;
  readonly neutral: string;
}

export const PALETTES: Readonly<Record<Theme, TrendPalette>> = {
  light: {
    background: '#ffffff',
    // Okabe–Ito blue, reddish purple (darkened), bluish green (darkened), black.
    series: ['#0072b2', '#a8507e', '#007a5a', '#1b2430'],
    valve: '#8a6100', // Okabe–Ito orange, darkened
    valveFill: 'rgba(230, 159, 0, 0.14)',
    critical: '#b3261e',
    warning: '#9a5b00',
    neutral: '#4a5565',
  },
  dark: {
    background: '#22272e',
    // Okabe–Ito sky blue, reddish purple and bluish green (lightened), white.
    series: ['#56b4e9', '#e09bc2', '#3cc9a5', '#e3e7ec'],
    valve: '#e69f00',
    valveFill: 'rgba(230, 159, 0, 0.16)',
    critical: '#ff7b72',
    warning: '#f2b84b',
    neutral: '#aab4bf',
  },
};

/** Dash pattern per channel (canvas `setLineDash`): solid, dashed, dotted, dash-dot. */
export const SERIES_DASHES: readonly (readonly number[])[] = [[], [10, 5], [2, 4], [12, 4, 2, 4]];
/** The same patterns as CSS border styles, for the legend's swatches. */
export const SERIES_BORDER_STYLES: readonly string[] = ['solid', 'dashed', 'dotted', 'double'];

/** WCAG relative luminance of a `#rrggbb` colour. */
export function luminance(hex: string): number {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!match) throw new Error(`not a #rrggbb colour: ${hex}`);
  const [r, g, b] = match.slice(1).map((h) => {
    const c = parseInt(h, 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two `#rrggbb` colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** The page's theme: it follows the system setting (styles.css). */
export function currentTheme(): Theme {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches
    ? 'dark'
    : 'light';
}
