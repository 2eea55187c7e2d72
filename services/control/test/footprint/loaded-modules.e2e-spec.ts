/**
 * What the built service (`dist/main.js`, built by `make test`) loads and keeps (issue 13,
 * bench/README.md "Where the service's memory goes"): aedes only with the embedded broker,
 * nodemailer only with an email channel, never mqtt-packet's number cache (65 536 Buffers,
 * ~6 MB), of zod's 63 translations only English (src/app/lazy-zod-locales.ts), and no ICU
 * with JSON logs (the first Intl object or locale-aware call makes V8 load
 * ~6.5 MB of ICU; src/app/load-nest-logger.ts). Read from inside the process by a preloaded
 * probe (`--require`) that counts ICU uses from the start and reports them with `require.cache`
 * on SIGWINCH, after the service has written MQTT packets both ways.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMosquitto, TestBroker } from '../support/servers/mosquitto';
import { startServiceProcess } from '../support/service-process';
import { eventually } from '../support/test-app';

jest.setTimeout(60_000);

interface ProbeReport {
  /** Files of the aedes package in require.cache. */
  readonly aedesFiles: number;
  /** Files of the nodemailer package in require.cache. */
  readonly nodemailerFiles: number;
  /** Copies of mqtt-packet loaded (their entry files). */
  readonly mqttPacketCopies: number;
  /** Entries in each loaded copy's number cache. */
  readonly cachedNumbers: number[];
  /** zod's translation files loaded (its locales/ directory, the index of them aside). */
  readonly zodLocales: string[];
  /** Intl objects made and locale-aware calls (each would initialise ICU if it was not yet). */
  readonly icuUses: number;
}

// Plain CommonJS: it runs in the service process before dist/main.js. Only the main thread
// listens (a preload also runs in worker threads, which get no signals).
const PROBE = `
let icuUses = 0;
const count = { construct(t, a, n) { icuUses++; return Reflect.construct(t, a, n); },
  apply(t, self, a) { icuUses++; return Reflect.apply(t, self, a); } };
for (const name of ['DateTimeFormat', 'NumberFormat', 'Collator', 'PluralRules',
  'RelativeTimeFormat', 'ListFormat', 'Segmenter', 'DisplayNames', 'Locale']) {
  if (typeof Intl[name] === 'function') Intl[name] = new Proxy(Intl[name], count);
}
for (const [proto, names] of [[String.prototype, ['localeCompare', 'toLocaleLowerCase', 'toLocaleUpperCase']],
  [Number.prototype, ['toLocaleString']], [BigInt.prototype, ['toLocaleString']],
  [Array.prototype, ['toLocaleString']],
  [Date.prototype, ['toLocaleString', 'toLocaleDateString', 'toLocaleTimeString']]]) {
  for (const name of names) proto[name] = new Proxy(proto[name], count);
}
const { isMainThread } = require('node:worker_threads');
if (isMainThread) {
  process.on('SIGWINCH', () => {
    const files = Object.keys(require.cache);
    const numbers = files.filter((f) => /[\\\\/]node_modules[\\\\/]mqtt-packet[\\\\/]numbers\\.js$/.test(f));
    require('node:fs').writeFileSync(process.env.FOOTPRINT_PROBE_FILE, JSON.stringify({
      aedesFiles: files.filter((f) => /[\\\\/]node_modules[\\\\/]aedes[\\\\/]/.test(f)).length,
      nodemailerFiles: files.filter((f) => /[\\\\/]node_modules[\\\\/]nodemailer[\\\\/]/.test(f)).length,
      mqttPacketCopies: files.filter((f) => /[\\\\/]node_modules[\\\\/]mqtt-packet[\\\\/]mqtt\\.js$/.test(f)).length,
      cachedNumbers: numbers.map((f) => Object.keys(require.cache[f].exports.cache).length),
      zodLocales: files.filter((f) => /[\\/]node_modules[\\/]zod[\\/]v4[\\/]locales[\\/]/.test(f))
        .map((f) => f.split(/[\\/]/).pop()).filter((name) => name !== 'index.cjs'),
      icuUses,
    }));
  });
}
`;

let dir: string;
let broker: TestBroker;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cryopilot-footprint-'));
  writeFileSync(join(dir, 'probe.cjs'), PROBE);
  broker = await startMosquitto();
});

afterAll(async () => {
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the service with the probe, waits for its MQTT session, and asks for a report. */
async function reportOf(name: string, env: Record<string, string>): Promise<ProbeReport> {
  const dataDir = join(dir, name);
  const reportFile = join(dir, `${name}.json`);
  const service = await startServiceProcess(mkdtempSync(`${dataDir}-`), {
    env: {
      NODE_OPTIONS: `--require ${join(dir, 'probe.cjs')}`,
      FOOTPRINT_PROBE_FILE: reportFile,
      ...env,
    },
  });
  try {
    // CONNECT written by the service, CONNACK received: packets have gone both ways.
    await eventually(() => Promise.resolve(/connected to mqtt:\/\//.test(service.output())));
    service.child.kill('SIGWINCH');
    return await eventually(() => {
      try {
        return Promise.resolve(JSON.parse(readFileSync(reportFile, 'utf8')) as ProbeReport);
      } catch {
        return Promise.resolve(undefined);
      }
    });
  } catch (error) {
    throw new Error(`${String(error)}\nservice output:\n${service.output()}`);
  } finally {
    await service.stop();
  }
}

describe('Modules the built service loads', () => {
  it('as in the image (broker URL, JSON logs, no email channel): no aedes, no nodemailer, no number cache, one zod language, no ICU', async () => {
    const report = await reportOf('external', { MQTT_URL: broker.url, LOG_FORMAT: 'json' });
    expect(report).toEqual({
      aedesFiles: 0,
      nodemailerFiles: 0,
      mqttPacketCopies: 1,
      cachedNumbers: [0],
      zodLocales: ['en.cjs'],
      icuUses: 0,
    });
  });

  it('embedded default (text logs): aedes loaded, no number cache; the text format uses ICU for its timestamps', async () => {
    const report = await reportOf('embedded', { LOG_FORMAT: 'text' });
    expect(report.aedesFiles).toBeGreaterThan(0);
    expect(report).toMatchObject({ mqttPacketCopies: 1, cachedNumbers: [0] });
    // The probe sees ICU uses: the 0 above is not for want of looking.
    expect(report.icuUses).toBeGreaterThan(0);
  });
});
