/**
 * The trend (issue 11) in Debian's Chromium against the real service at 60×: labelled
 * threshold lines in the page's language and number format, a readout of the time and every
 * series with its unit at the cursor (mouse hover on a laptop, a tap on a phone, the arrow
 * keys), and markers for a fill and an alarm raised; laptop and phone, English and French,
 * light and dark. Screenshots of the chart in test-artifacts/screenshots.
 */
import type { Setpoints, StateSnapshot, Trend } from '@cryopilot/protocol';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import {
  ADMIN_PASSWORD,
  expectText,
  launchChromium,
  requireBuilds,
  screenshot,
  SCREENSHOTS,
  ServiceProcess,
  signIn,
  waitUntil,
  LAPTOP,
  PHONE,
} from './browser-support';

jest.setTimeout(180_000);

let browser: Browser;
const service = new ServiceProcess();
let setpoints: Setpoints;
/** When the service started: its history begins there. */
let startedMs = 0;

beforeAll(async () => {
  requireBuilds();
  startedMs = Date.now();
  await service.start();
  browser = await launchChromium();
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, service.url, 'admin', ADMIN_PASSWORD);
  const api = context.request;
  // A fill (below fill start: about 15 s at 60×), then an O2 dip below the low alarm.
  await api.post(`${service.url}/api/sim/plant`, { data: { levelPct: 15 } });
  const events = async () =>
    ((await (await api.get(`${service.url}/api/trend?minutes=15`)).json()) as Trend).events ?? [];
  await waitUntil(async () => (await events()).some((e) => e.kind === 'fill-end'), 60_000);
  await api.post(`${service.url}/api/sim/scenario`, { data: { name: 'o2-drop', dropToPct: 19 } });
  await waitUntil(async () => (await events()).some((e) => e.kind === 'alarm'), 30_000);
  setpoints = ((await (await api.get(`${service.url}/api/state`)).json()) as StateSnapshot)
    .setpoints;
  await context.close();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await service.stop();
});

type Case = {
  name: string;
  viewport: typeof LAPTOP;
  locale: 'en-GB' | 'fr-FR';
  colorScheme: 'light' | 'dark';
};

const CASES: Case[] = [
  { name: 'laptop-en-light', viewport: LAPTOP, locale: 'en-GB', colorScheme: 'light' },
  { name: 'laptop-fr-dark', viewport: LAPTOP, locale: 'fr-FR', colorScheme: 'dark' },
  { name: 'phone-fr-light', viewport: PHONE, locale: 'fr-FR', colorScheme: 'light' },
  { name: 'phone-en-dark', viewport: PHONE, locale: 'en-GB', colorScheme: 'dark' },
];

const WORDS = {
  'en-GB': {
    thresholds: (s: Setpoints) => [
      `O2 trip ${num(s.o2LowLowPct, 'en-GB')} %vol`,
      `O2 low ${num(s.o2LowPct, 'en-GB')} %vol`,
      `Fill start ${num(s.fillStartPct, 'en-GB')} %`,
      `Fill stop ${num(s.fillStopPct, 'en-GB')} %`,
    ],
    events: ['Fill started', 'Fill ended', 'Alarm raised'],
    time: 'Time',
    valve: 'Valve %',
  },
  'fr-FR': {
    thresholds: (s: Setpoints) => [
      `Coupure O2 ${num(s.o2LowLowPct, 'fr-FR')} %vol`,
      `O2 bas ${num(s.o2LowPct, 'fr-FR')} %vol`,
      `Début remplissage ${num(s.fillStartPct, 'fr-FR')} %`,
      `Fin remplissage ${num(s.fillStopPct, 'fr-FR')} %`,
    ],
    events: ['Remplissage commencé', 'Remplissage terminé', 'Alarme levée'],
    time: 'Heure',
    valve: 'Vanne %',
  },
};

function num(value: number, locale: string): string {
  const decimals = Number.isInteger(value) ? 0 : 1;
  return value.toLocaleString(locale, {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
}

async function open(c: Case): Promise<[BrowserContext, Page]> {
  const context = await browser.newContext({
    viewport: c.viewport,
    locale: c.locale,
    colorScheme: c.colorScheme,
    hasTouch: c.viewport === PHONE,
    isMobile: c.viewport === PHONE,
  });
  const page = await context.newPage();
  await signIn(page, service.url, 'admin', ADMIN_PASSWORD);
  return [context, page];
}

/** The readout's cells: the label and value of each series (uPlot's legend). */
async function readout(page: Page): Promise<string[]> {
  return page
    .locator('app-trend-chart .u-legend .u-series')
    .evaluateAll((rows) =>
      rows.map((r) =>
        (r as unknown as { innerText: string }).innerText.replace(/\s+/g, ' ').trim(),
      ),
    );
}

describe.each(CASES)('trend chart, $name', (c) => {
  it('labels the thresholds, reads out every series at the cursor, marks the fill and the alarm', async () => {
    const [context, page] = await open(c);
    const words = WORDS[c.locale];
    try {
      const chart = page.locator('app-trend-chart');
      await chart.locator('.u-over').waitFor();
      await chart.scrollIntoViewIfNeeded();

      // Thresholds, in words and the locale's number format (also drawn on the canvas).
      const thresholds = await chart.locator('.threshold-list li').allInnerTexts();
      expect(thresholds).toEqual(words.thresholds(setpoints));

      // Markers for the fill's start and end and the alarm, said in the page's words.
      for (const kind of ['fill-start', 'fill-end', 'alarm']) {
        await chart
          .locator(`.event-list li[data-kind="${kind}"]`)
          .first()
          .waitFor({ state: 'attached' });
      }
      const events = (await chart.locator('.event-list').innerText()).replace(/\s+/g, ' ');
      for (const text of words.events) expect(events).toContain(text);

      // The readout: the time and every series with its unit, newest values by default.
      const rows = await readout(page);
      expect(rows[0]).toMatch(new RegExp(`^${words.time} \\d\\d/\\d\\d.* \\d\\d:\\d\\d:\\d\\d$`));
      const series = rows.slice(1);
      expect(series).toHaveLength(4); // two O2 sensors, the level and the valve
      expect(series.filter((r) => /\d %vol$/.test(r))).toHaveLength(2);
      expect(series.filter((r) => /\d %$/.test(r))).toHaveLength(2);
      expect(series.at(-1)).toMatch(new RegExp(`^${words.valve.replace('%', '')}`));
      if (c.locale === 'fr-FR') expect(series.join(' ')).toMatch(/\d,\d\d %vol/);

      // Hover (laptop) or tap (phone) halfway through the history (the window is 15 min):
      // the readout moves back in time, values with units.
      const newest = rows[0];
      const box = (await chart.locator('.u-over').boundingBox())!;
      const back = (Date.now() - startedMs) / 2 / (15 * 60_000);
      const at = { x: box.x + box.width * (1 - back), y: box.y + box.height / 2 };
      if (c.viewport === PHONE) await page.touchscreen.tap(at.x, at.y);
      else await page.mouse.move(at.x, at.y);
      await waitUntil(async () => (await readout(page))[0] !== newest);
      const hovered = await readout(page);
      expect(hovered[0]).toMatch(/\d\d:\d\d:\d\d$/);
      expect(hovered.slice(1).every((r) => /(\d %(vol)?|—)$/.test(r))).toBe(true);
      expect(hovered.slice(1).filter((r) => /\d %$/.test(r))).toHaveLength(2); // level, valve
      await chart.screenshot({ path: join(SCREENSHOTS, `trend-${c.name}.png`) });

      // The keyboard moves it too, from the chart's focus.
      await chart.locator('.plot').focus();
      await page.keyboard.press('End');
      await expectText(chart.locator('.u-legend .u-series').first(), words.time);
      const end = (await readout(page))[0];
      await page.keyboard.press('Home');
      await waitUntil(async () => (await readout(page))[0] !== end);
      if (c.name === 'laptop-en-light' || c.name === 'phone-fr-light') {
        await screenshot(page, `trend-page-${c.name}`);
      }
    } finally {
      await context.close();
    }
  });
});

mkdirSync(SCREENSHOTS, { recursive: true });
