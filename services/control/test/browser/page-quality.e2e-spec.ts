/**
 * What issue 11 found wrong in the page, checked in Debian's Chromium against the real
 * service, at laptop (1366×768) and phone (390×844) sizes, in English and French: a clean
 * console on load, never colour alone, no raw codes, a visible reason on disabled controls,
 * and the manual-mode reminder. Screenshots go to test-artifacts/screenshots.
 */
import { readFileSync } from 'node:fs';
import { Browser, BrowserContext, Locator, Page } from 'playwright-core';
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

const VIEWER_PASSWORD = 'viewer-password-1';
/** `--critical` in styles.css: the alarm red. */
const ALARM_RED = 'rgb(179, 38, 30)';
/** A code as the service writes it (`o2_unavailable`, `level_sensor_fault`). */
const RAW_CODE = /\b[a-z][a-z0-9]*_[a-z0-9_]+\b/;

let browser: Browser;
const service = new ServiceProcess();

beforeAll(async () => {
  requireBuilds();
  await service.start();
  service.addUser('victor', 'viewer', VIEWER_PASSWORD);
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await service.stop();
});

/** A page that records every console error and uncaught error instead of throwing. */
async function newPage(
  viewport = LAPTOP,
  locale = 'en-GB',
): Promise<[BrowserContext, Page, string[]]> {
  const context = await browser.newContext({ viewport, locale });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return [context, page, errors];
}

const tile = (page: Page, id: string) => page.locator(`app-process-tile[data-channel="${id}"]`);
const sim = (context: BrowserContext, path: string, data: object) =>
  context.request.post(`${service.url}/api/sim/${path}`, { data });

/** The computed style a person sees (typed here: this project builds without the DOM lib). */
interface SeenStyle {
  color: string;
  backgroundColor: string;
  borderTopColor: string;
  opacity: string;
}
type StyleWindow = { getComputedStyle(element: unknown): SeenStyle };

/** The colours a person sees on `locator`, with the opacity that fades them. */
async function looks(locator: Locator) {
  const style = await locator.evaluate((e) => {
    const seen = (globalThis as unknown as StyleWindow).getComputedStyle(e);
    return {
      color: seen.color,
      backgroundColor: seen.backgroundColor,
      borderTopColor: seen.borderTopColor,
      opacity: seen.opacity,
    };
  });
  return {
    color: style.color,
    background: style.backgroundColor,
    border: style.borderTopColor,
    opacity: Number(style.opacity),
  };
}

/** WCAG 2 contrast ratio of two `rgb(r, g, b)` colours. */
function contrast(a: string, b: string): number {
  const luminance = (rgb: string) => {
    const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

describe('page quality (issue 11)', () => {
  it.each([
    ['laptop', LAPTOP],
    ['phone', PHONE],
  ])(
    'loads on a %s with a clean console (no ResizeObserver loop)',
    async (_name, viewport) => {
      const [context, page, errors] = await newPage(viewport);
      await signIn(page, service.url, 'admin', ADMIN_PASSWORD);
      await page.locator('app-trend-chart canvas').waitFor();
      await page.reload(); // a second load, as the issue saw it on every load
      await page.locator('app-trend-chart canvas').waitFor();
      // Resizing across the phone breakpoint reflows the chart's legend under the observer.
      await page.setViewportSize(viewport === LAPTOP ? PHONE : LAPTOP);
      await page.waitForTimeout(500);
      await page.setViewportSize(viewport);
      await page.waitForTimeout(1500);
      expect(errors).toEqual([]);
      await context.close();
    },
    60_000,
  );

  it('never colour alone: Close is not red, the chosen mode reads as on, a wire break is amber with a tag', async () => {
    const [context, page] = await newPage();
    await signIn(page, service.url, 'admin', ADMIN_PASSWORD);
    const close = page.getByTestId('valve-close');
    await waitUntil(() => close.isEnabled(), 20_000);
    const closeLooks = await looks(close);
    expect([closeLooks.color, closeLooks.border, closeLooks.background]).not.toContain(ALARM_RED);

    const auto = page.locator('app-valve-panel .segmented').getByRole('button', { name: 'Auto' });
    expect(await auto.getAttribute('aria-pressed')).toBe('true');
    expect(await auto.isEnabled()).toBe(true);
    const autoLooks = await looks(auto);
    expect(autoLooks.opacity).toBe(1);
    expect(contrast(autoLooks.color, autoLooks.background)).toBeGreaterThanOrEqual(4.5);

    await sim(context, 'fault', { channel: 'ln2_level', fault: 'open-circuit' });
    try {
      const level = tile(page, 'ln2_level');
      await expectText(level.getByTestId('quality'), 'BAD');
      await waitUntil(async () => /tile-warning/.test((await level.getAttribute('class')) ?? ''));
      expect(await level.getAttribute('class')).not.toContain('tile-critical');
      await expectText(level.locator('.tile-quality'), '▲');
      expect((await looks(level.locator('.tile-quality'))).color).not.toBe(ALARM_RED);
      await expectText(page.locator('li[data-alarm="level_sensor_fault"] .badge'), '▲');
      await screenshot(page, 'colour-wire-break-laptop-en');
      await page.setViewportSize(PHONE);
      await screenshot(page, 'colour-wire-break-phone-en');
      await page.getByRole('button', { name: 'FR', exact: true }).click();
      await expectText(level.getByTestId('quality'), 'DÉFAUT');
      await screenshot(page, 'colour-wire-break-phone-fr');
      await page.getByRole('button', { name: 'EN', exact: true }).click();
    } finally {
      await sim(context, 'fault', { fault: 'none' });
    }
    // A value past a limit carries its tag: O2 below the low alarm is LOW with ▲.
    await sim(context, 'plant', { o2BasePct: 19 });
    try {
      await expectText(tile(page, 'o2_1').getByTestId('tag'), /▲\s*LOW/);
      await page.setViewportSize(LAPTOP);
      await screenshot(page, 'colour-o2-low-laptop-en');
    } finally {
      await sim(context, 'plant', { o2BasePct: 20.9 });
    }
    await context.close();
  }, 90_000);

  it('no raw codes: the valve reason, results, alarm titles and uptime in words, EN and FR', async () => {
    const [context, page] = await newPage(LAPTOP, 'fr-FR');
    await signIn(page, service.url, 'admin', ADMIN_PASSWORD);
    await sim(context, 'fault', { channel: 'ln2_level', fault: 'open-circuit' });
    try {
      const reason = page.getByTestId('valve-reason');
      await expectText(reason, 'Remplissage bloqué : défaut du capteur de niveau');
      expect(await reason.textContent()).not.toMatch(RAW_CODE);
      const row = page.locator('li[data-alarm="level_sensor_fault"]');
      await expectText(row, 'Défaut du capteur de niveau');
      await row.getByRole('button', { name: 'Acquitter' }).click();
      const title = page.getByRole('dialog').getByRole('heading');
      await expectText(title, 'Acquitter Défaut du capteur de niveau');
      expect(await title.textContent()).not.toMatch(RAW_CODE);
      await page.getByRole('dialog').getByRole('button', { name: 'Confirmer' }).click();
      await expectText(page.locator('app-alarm-panel .feedback'), 'Fait.');
      expect(await page.locator('app-alarm-panel .feedback').textContent()).not.toContain('ok');
      await screenshot(page, 'no-raw-codes-laptop-fr');
    } finally {
      await sim(context, 'fault', { fault: 'none' });
    }
    await page.getByRole('link', { name: 'Diagnostic' }).click();
    const uptime = page.getByTestId('uptime');
    await expectText(uptime, /^\s*\d+ (j|h|min|s)( \d+ (h|min|s))? ·/);
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await expectText(uptime, /^\s*\d+ (d|h|min|s)( \d+ (h|min|s))? ·/);
    const diagnostics = (await page.locator('app-diagnostics-page').textContent()) ?? '';
    expect(diagnostics).toContain('I/O card');
    expect(diagnostics).not.toMatch(/\bnull\b|lastError|telemetry\b/);
    await screenshot(page, 'diagnostics-laptop-en');
    await context.close();
  }, 90_000);

  it('a viewer sees why Acknowledge is disabled, as text on the page (phone)', async () => {
    const [context, page] = await newPage(PHONE);
    await signIn(page, service.url, 'victor', VIEWER_PASSWORD);
    const admin = await browser.newContext();
    await signIn(await admin.newPage(), service.url, 'admin', ADMIN_PASSWORD);
    await sim(admin, 'fault', { channel: 'ln2_level', fault: 'open-circuit' });
    try {
      const ack = page
        .locator('li[data-alarm="level_sensor_fault"]')
        .getByRole('button', { name: 'Acknowledge' });
      await ack.waitFor();
      expect(await ack.isDisabled()).toBe(true);
      const why = page.getByTestId('alarm-why');
      await expectText(why, 'Your role (viewer) may not acknowledge or reset alarms');
      expect(await why.isVisible()).toBe(true);
      expect(await ack.getAttribute('aria-describedby')).toBe('alarm-why');
      await why.scrollIntoViewIfNeeded();
      await screenshot(page, 'viewer-why-phone-en');
    } finally {
      await sim(admin, 'fault', { fault: 'none' });
      await admin.close();
    }
    await context.close();
  }, 60_000);

  it('manual mode: a reminder on every page, and a warning below fill start (EN laptop, FR phone)', async () => {
    const [context, page] = await newPage();
    await signIn(page, service.url, 'admin', ADMIN_PASSWORD);
    const reminder = page.getByTestId('band-manual');
    expect(await reminder.count()).toBe(0); // auto: nothing to remind
    const mode = page.locator('app-valve-panel .segmented');
    await waitUntil(() => mode.getByRole('button', { name: 'Manual' }).isEnabled(), 20_000);
    await mode.getByRole('button', { name: 'Manual' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    try {
      await expectText(reminder, 'MANUAL MODE · the valve does not fill by itself');
      await page.getByRole('link', { name: 'Diagnostics' }).click();
      expect(await reminder.isVisible()).toBe(true); // on every page, not only the plant
      await page.getByRole('link', { name: 'Plant' }).click();
      await sim(context, 'plant', { levelPct: 15, drainPctPerMin: 0 });
      await expectText(reminder, /▲\s*MANUAL MODE · level 1\d % is below fill start \(20 %\)/);
      expect(await reminder.getAttribute('class')).toContain('manual-low');
      await screenshot(page, 'manual-low-laptop-en');
      await page.setViewportSize(PHONE);
      await page.getByRole('button', { name: 'FR', exact: true }).click();
      await expectText(reminder, 'MODE MANUEL · niveau');
      await page.mouse.wheel(0, 600); // sticky: still on screen after scrolling
      await page.waitForTimeout(300);
      const box = await reminder.boundingBox();
      expect(box && box.y >= 0 && box.y < PHONE.height).toBe(true);
      await page.screenshot({ path: `${SCREENSHOTS}/manual-low-phone-fr.png` });
      await page.getByRole('button', { name: 'EN', exact: true }).click();
    } finally {
      await sim(context, 'plant', { levelPct: 50, drainPctPerMin: 0.5 });
      await context.request.post(`${service.url}/api/commands`, {
        data: { name: 'mode.set', args: { mode: 'auto' } },
      });
    }
    await waitUntil(async () => (await reminder.count()) === 0);
    await context.close();
  }, 90_000);

  it('audit on a phone: no sideways page, a word filter, CSV export of what is shown (FR)', async () => {
    const [context, page] = await newPage(PHONE, 'fr-FR');
    await signIn(page, service.url, 'admin', ADMIN_PASSWORD);
    const command = (name: string, args: object) =>
      context.request.post(`${service.url}/api/commands`, { data: { name, args } });
    await command('mode.set', { mode: 'auto' });
    await command('valve.open', {}); // refused in auto: a refused record
    await page.getByRole('link', { name: 'Journal' }).click();
    const rows = page.locator('app-audit-page tbody tr');
    await rows.first().waitFor();
    const pageWidth = async () =>
      Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    expect(await pageWidth()).toBeLessThanOrEqual(0);
    await screenshot(page, 'audit-phone-fr');

    await page.getByLabel('Filtrer').fill('valve.open refusé');
    await expectText(page.getByTestId('audit-count'), /^\s*1 sur \d+ enregistrements/);
    expect(await rows.count()).toBe(1);
    await expectText(rows.first(), 'valve.open');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('audit-csv').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^cryopilot-audit-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync(await download.path(), 'utf8');
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toMatch(/^"time","user","role","source","command"/);
    expect(lines).toHaveLength(2); // the header and the one record shown
    expect(lines[1]).toContain('"valve.open"');
    expect(lines[1]).toContain('"refused"');

    await page.setViewportSize(LAPTOP);
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await page.getByLabel('Filter').fill('');
    await screenshot(page, 'audit-laptop-en');
    await context.close();
  }, 60_000);
});
