import type { QuietHoursConfig } from './notifications-config.schema';

/** Minutes since local midnight of `hhmm` ("22:30" → 1350). */
function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/**
 * True when `minuteOfDay` (0..1439, local) lies in the window [start, end): a window whose
 * start is later than its end runs across midnight (22:00–07:00).
 */
export function isInQuietWindow(minuteOfDay: number, start: string, end: string): boolean {
  const from = minutesOf(start);
  const to = minutesOf(end);
  return from < to
    ? minuteOfDay >= from && minuteOfDay < to
    : minuteOfDay >= from || minuteOfDay < to;
}

/** The local minute of the day at `wallMs`, in `timeZone` or the host's zone. */
export function localMinuteOfDay(wallMs: number, timeZone?: string): number {
  if (timeZone === undefined) {
    const d = new Date(wallMs);
    return d.getHours() * 60 + d.getMinutes();
  }
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(wallMs));
  const hour = Number(parts.find((p) => p.type === 'hour')?.value);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value);
  return hour * 60 + minute;
}

/** The quiet-hours test the planner uses: never quiet without a configured window. */
export function quietHoursCheck(config: QuietHoursConfig | undefined): (wallMs: number) => boolean {
  if (!config) return () => false;
  return (wallMs) =>
    isInQuietWindow(localMinuteOfDay(wallMs, config.timeZone), config.start, config.end);
}
