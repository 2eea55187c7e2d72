import type { I18n } from '../core/i18n/i18n';

const UNITS = [
  { key: 'duration.d', s: 86_400 },
  { key: 'duration.h', s: 3_600 },
  { key: 'duration.min', s: 60 },
  { key: 'duration.s', s: 1 },
] as const;

/**
 * A duration as people say it, to its two largest units, in the page's language and locale
 * ("3 d 4 h", "2 h 5 min", "42 s"): an uptime of 273 600 s is not something to read.
 */
export function humanDuration(i18n: I18n, seconds: number): string {
  let rest = Math.max(0, Math.floor(seconds));
  const first = UNITS.findIndex((u) => rest >= u.s);
  if (first === -1) return i18n.t('duration.s', { n: 0 });
  const parts: string[] = [];
  for (const unit of UNITS.slice(first, first + 2)) {
    const n = Math.floor(rest / unit.s);
    rest -= n * unit.s;
    if (n > 0 || parts.length === 0) parts.push(i18n.t(unit.key, { n: i18n.number(n, 0) }));
  }
  return parts.join(' ');
}
