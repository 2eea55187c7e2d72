import { deferredDateTimeFormat } from './deferred-date-time-format';

/**
 * Loads @nestjs/common with the Intl.DateTimeFormat of its ConsoleLogger deferred to its first
 * use. Imported first by main.ts, before anything else loads @nestjs/common.
 *
 * Why: the logger's module makes an Intl.DateTimeFormat as it loads, for the timestamps of the
 * text log format. The first Intl object makes V8 initialise ICU: ~6 MB of the node binary's
 * ICU data and code become resident, and ~1.7 MB of malloc (issue 13, bench/README.md) — for a
 * formatter the JSON log format (LOG_FORMAT=json, the image's) never calls; nothing else in the
 * service uses ICU (test/footprint/loaded-modules.e2e-spec.ts). With the text format the real
 * formatter is made at the first log line; the output is the same.
 */
const RealDateTimeFormat = Intl.DateTimeFormat;
type Args = [locales?: string | string[], options?: Intl.DateTimeFormatOptions];
// A proxy of the real constructor: its statics (supportedLocalesOf) and prototype stay.
Intl.DateTimeFormat = new Proxy(RealDateTimeFormat, {
  construct: (_real, args: Args) => deferredDateTimeFormat(RealDateTimeFormat, ...args),
  apply: (_real, _this, args: Args) => deferredDateTimeFormat(RealDateTimeFormat, ...args),
});
try {
  // The package's public entry (it loads reflect-metadata, which the logger's decorators need):
  // the loaded module is then the one every later import gets.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@nestjs/common');
} finally {
  Intl.DateTimeFormat = RealDateTimeFormat;
}
