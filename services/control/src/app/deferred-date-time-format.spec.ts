import { deferredDateTimeFormat } from './deferred-date-time-format';

/** Intl.DateTimeFormat, counting the formatters made. */
function countingDateTimeFormat(): { Counting: typeof Intl.DateTimeFormat; made: () => number } {
  let made = 0;
  const Counting = new Proxy(Intl.DateTimeFormat, {
    construct(target, args: [string?, Intl.DateTimeFormatOptions?]) {
      made++;
      return new target(...args);
    },
  });
  return { Counting, made: () => made };
}

const OPTIONS: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
  day: '2-digit',
  month: '2-digit',
  timeZone: 'Europe/Paris',
};
const INSTANT = Date.UTC(2026, 10, 30, 7, 46, 39);

describe('deferredDateTimeFormat', () => {
  it('makes no formatter until it is used', () => {
    const { Counting, made } = countingDateTimeFormat();
    deferredDateTimeFormat(Counting, 'en-US', OPTIONS);
    expect(made()).toBe(0);
  });

  it('formats as the real formatter, made once for every use', () => {
    const { Counting, made } = countingDateTimeFormat();
    const deferred = deferredDateTimeFormat(Counting, 'en-US', OPTIONS);
    const real = new Intl.DateTimeFormat('en-US', OPTIONS);
    expect(deferred.format(INSTANT)).toBe(real.format(INSTANT));
    // \s: ICU versions differ on the space before AM (U+0020 or U+202F).
    expect(deferred.format(INSTANT)).toMatch(/^11\/30\/2026, 8:46:39\sAM$/);
    expect(deferred.formatToParts(INSTANT)).toEqual(real.formatToParts(INSTANT));
    expect(deferred.resolvedOptions()).toEqual(real.resolvedOptions());
    const { format } = deferred; // Nest-style detached use: bound to the real formatter
    expect(format(INSTANT)).toBe(real.format(INSTANT));
    expect(made()).toBe(1);
  });

  it('keeps the locale and options it was given', () => {
    const deferred = deferredDateTimeFormat(Intl.DateTimeFormat, 'fr-FR', OPTIONS);
    expect(deferred.format(INSTANT)).toBe('30/11/2026 08:46:39');
    expect(deferred).toBeInstanceOf(Intl.DateTimeFormat);
  });
});
