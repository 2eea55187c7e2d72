import fc from 'fast-check';
import { isInQuietWindow, localMinuteOfDay, quietHoursCheck } from './quiet-hours';

describe('quiet hours', () => {
  it.each([
    ['22:00', '07:00', '21:59', false],
    ['22:00', '07:00', '22:00', true],
    ['22:00', '07:00', '03:00', true],
    ['22:00', '07:00', '06:59', true],
    ['22:00', '07:00', '07:00', false],
    ['12:00', '13:30', '12:45', true],
    ['12:00', '13:30', '13:30', false],
    ['12:00', '13:30', '11:00', false],
  ])('window %s–%s at %s → %s', (start, end, at, expected) => {
    const [h, m] = at.split(':').map(Number);
    expect(isInQuietWindow(h * 60 + m, start, end)).toBe(expected);
  });

  it('a window and its complement cover every minute exactly once', () => {
    const hhmm = fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
      .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    fc.assert(
      fc.property(hhmm, hhmm, fc.integer({ min: 0, max: 1439 }), (a, b, minute) => {
        fc.pre(a !== b);
        expect(isInQuietWindow(minute, a, b)).toBe(!isInQuietWindow(minute, b, a));
      }),
    );
  });

  it('reads the local time of the configured zone', () => {
    // 2026-07-01 21:30 UTC is 23:30 in Paris (summer time) and 17:30 in New York.
    const at = Date.UTC(2026, 6, 1, 21, 30);
    expect(localMinuteOfDay(at, 'Europe/Paris')).toBe(23 * 60 + 30);
    expect(localMinuteOfDay(at, 'America/New_York')).toBe(17 * 60 + 30);
    expect(quietHoursCheck({ start: '22:00', end: '07:00', timeZone: 'Europe/Paris' })(at)).toBe(
      true,
    );
    expect(quietHoursCheck({ start: '22:00', end: '07:00', timeZone: 'UTC' })(at)).toBe(false);
    expect(quietHoursCheck(undefined)(at)).toBe(false);
  });
});
