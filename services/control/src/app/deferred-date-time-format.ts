/**
 * An Intl.DateTimeFormat that is made only when first used: a stand-in whose every property
 * read (`format`, `formatToParts`, `resolvedOptions`…) makes the real formatter with the same
 * locales and options, once, and answers from it. Pure; see load-nest-logger.ts for why.
 */
export function deferredDateTimeFormat(
  RealDateTimeFormat: typeof Intl.DateTimeFormat,
  locales?: string | string[],
  options?: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  let real: Intl.DateTimeFormat | undefined;
  const made = (): Intl.DateTimeFormat => (real ??= new RealDateTimeFormat(locales, options));
  return new Proxy(Object.create(RealDateTimeFormat.prototype) as Intl.DateTimeFormat, {
    get(_target, key) {
      const formatter = made();
      const value: unknown = Reflect.get(formatter, key, formatter);
      return typeof value === 'function' ? (value as () => unknown).bind(formatter) : value;
    },
  });
}
