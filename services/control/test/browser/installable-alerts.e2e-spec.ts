/**
 * The installable page, alerts by priority and labels by language (issue 11), in Debian's
 * Chromium against the real service: the web app manifest and its icons, the service worker
 * controlling after a reload and never answering for /api or /ws, an offline reload showing
 * the shell with its connection-lost overlay (and a page never opened before appearing once
 * the service is back); a critical raise notifying (permission granted
 * by the browser context) and sounding a repeating tone until acknowledged; channel labels in
 * French. Notification and AudioContext are stubbed in the page to record what it asks for.
 */
import { Browser, BrowserContext, Page, Response } from 'playwright-core';
import {
  ADMIN_PASSWORD,
  expectText,
  launchChromium,
  requireBuilds,
  screenshot,
  ServiceProcess,
  signIn,
  waitUntil,
  axeFindings,
  LAPTOP,
  PHONE,
} from './browser-support';

/**
 * Runs before the page's scripts: a Notification that records each call (permission granted)
 * and an AudioContext whose oscillators record when they start. Text, not a function: this
 * project type-checks without the DOM library.
 */
const RECORDERS = `
  window.__notifications = [];
  window.__tones = [];
  class RecordingNotification {
    static permission = 'granted';
    static requestPermission() { return Promise.resolve('granted'); }
    constructor(title, options) { window.__notifications.push({ title, body: options?.body ?? '' }); }
    close() {}
  }
  window.Notification = RecordingNotification;
  class RecordingAudioContext {
    currentTime = 0;
    state = 'running';
    destination = {};
    resume() { return Promise.resolve(); }
    createGain() { return { gain: { value: 1 }, connect: (node) => node }; }
    createOscillator() {
      return {
        frequency: { value: 440 },
        connect: (node) => node,
        start: () => window.__tones.push(Date.now()),
        stop: () => {},
      };
    }
  }
  window.AudioContext = RecordingAudioContext;
`;

let browser: Browser;
const service = new ServiceProcess();

beforeAll(async () => {
  requireBuilds();
  await service.start();
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await service.stop();
});

async function newContext(viewport = LAPTOP, locale = 'en-GB'): Promise<[BrowserContext, Page]> {
  const context = await browser.newContext({ viewport, locale, permissions: ['notifications'] });
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  return [context, page];
}

describe('installable', () => {
  it('a manifest with icons; the worker controls after a reload, never for /api or /ws; offline shows the shell', async () => {
    const [context, page] = await newContext();
    const live: Response[] = [];
    const fromWorker: string[] = [];
    page.on('response', (response) => {
      const path = new URL(response.url()).pathname;
      if (path.startsWith('/api') || path.startsWith('/ws')) live.push(response);
      if (response.fromServiceWorker()) fromWorker.push(path);
    });
    try {
      const manifest = await context.request.get(`${service.url}/manifest.webmanifest`);
      expect(manifest.headers()['content-type']).toMatch(/^application\/manifest\+json/);
      const body = (await manifest.json()) as {
        name: string;
        start_url: string;
        display: string;
        theme_color: string;
        icons: { src: string; sizes: string; type: string; purpose?: string }[];
      };
      expect(body).toMatchObject({ name: 'CryoPilot', start_url: '/', display: 'standalone' });
      expect(body.theme_color).toMatch(/^#[0-9a-f]{6}$/);
      expect(body.icons.map((i) => i.sizes)).toEqual(
        expect.arrayContaining(['192x192', '512x512', 'any']),
      );
      for (const icon of body.icons) {
        const res = await context.request.get(`${service.url}${icon.src}`);
        expect([icon.src, res.status(), res.headers()['content-type']]).toEqual([
          icon.src,
          200,
          icon.type,
        ]);
      }
      const worker = await context.request.get(`${service.url}/sw.js`);
      expect(worker.headers()['cache-control']).toBe('no-cache');
      expect(worker.headers()['content-type']).toMatch(/javascript/);

      await signIn(page, service.url, 'admin', ADMIN_PASSWORD);
      expect(await page.locator('link[rel="manifest"]').getAttribute('href')).toBe(
        'manifest.webmanifest',
      );
      await page.evaluate('navigator.serviceWorker.ready.then(() => true)');
      await page.reload();
      await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor();
      expect(await page.evaluate('navigator.serviceWorker.controller !== null')).toBe(true);
      // Under the worker: the shell from it, live data never.
      await page.getByRole('link', { name: 'Audit' }).click();
      await page.locator('table').first().waitFor();
      await page.getByRole('link', { name: 'Plant' }).click();
      await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor();
      expect(fromWorker.some((p) => /^\/main-[A-Z0-9]{8,}\.js$/.test(p))).toBe(true);
      expect(live.length).toBeGreaterThan(0);
      expect(live.filter((r) => r.fromServiceWorker()).map((r) => r.url())).toEqual([]);

      // The service out of reach: a reload still opens the page, behind its overlay.
      await context.setOffline(true);
      await page.reload();
      await page.getByTestId('overlay').waitFor({ timeout: 15_000 });
      await expectText(page.locator('.brand'), 'CryoPilot');
      // Panels that load over HTTP say why in words, never the browser's "Failed to fetch".
      await expectText(
        page.locator('[aria-labelledby="ln2-title"] [role="status"]'),
        'Not refreshed. The service cannot be reached.',
      );
      await screenshot(page, 'offline-shell-laptop-en');
      await context.setOffline(false);
      await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('overlay').count()).toBe(0);
      expect(live.filter((r) => r.fromServiceWorker()).map((r) => r.url())).toEqual([]);

      // A page this browser never opened: its code is fetched when first used, not at install
      // (a first visit downloads what it shows). Offline it cannot load: the shell stays,
      // behind the overlay, and the page appears by itself once the service is back.
      expect(fromWorker.filter((p) => p.startsWith('/chunk-')).length).toBeGreaterThan(0);
      await context.setOffline(true);
      await page.goto(`${service.url}/diagnostics`);
      await page.getByTestId('overlay').waitFor({ timeout: 15_000 });
      await expectText(page.locator('.brand'), 'CryoPilot');
      expect(await page.getByTestId('firmware').count()).toBe(0);
      await context.setOffline(false);
      await page.getByTestId('firmware').waitFor({ timeout: 30_000 });
      expect(new URL(page.url()).pathname).toBe('/diagnostics');
    } finally {
      await context.close();
    }
  }, 90_000);
});

describe('alerts by priority', () => {
  it('a critical raise notifies and repeats its tone until acknowledged', async () => {
    const [context, page] = await newContext();
    await context.addInitScript(RECORDERS);
    const sim = (path: string, data: object) =>
      context.request.post(`${service.url}/api/sim/${path}`, { data });
    try {
      await signIn(page, service.url, 'admin', ADMIN_PASSWORD);
      // Opt in (the permission is asked on this click, granted by the context).
      const toggle = page.getByTestId('alert-notifications');
      await toggle.click();
      await waitUntil(async () => (await toggle.getAttribute('aria-pressed')) === 'true');
      expect(await axeFindings(page)).toEqual([]);
      expect(await page.evaluate('window.__tones.length')).toBe(0);

      await sim('plant', { o2BasePct: 17 });
      const row = page.locator('li[data-alarm="o2_low_low"]');
      await expectText(row, 'active, unacknowledged', 20_000);
      await waitUntil(async () =>
        (await page.evaluate<string[]>('window.__notifications.map((n) => n.title)')).includes(
          'CryoPilot · CRITICAL',
        ),
      );
      const notes =
        await page.evaluate<{ title: string; body: string }[]>('window.__notifications');
      expect(notes.find((n) => n.title === 'CryoPilot · CRITICAL')?.body).toMatch(
        /Oxygen dangerously low/,
      );
      // Repeats: more tones a few seconds later.
      const tonesAt = async () => page.evaluate<number>('window.__tones.length');
      await waitUntil(async () => (await tonesAt()) > 0);
      const first = await tonesAt();
      await waitUntil(async () => (await tonesAt()) > first, 6_000);

      await row.getByRole('button', { name: 'Acknowledge' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
      await expectText(row, /active, acknowledged|latched/);
      const afterAck = await tonesAt();
      await page.waitForTimeout(3_500);
      expect(await tonesAt()).toBe(afterAck);
    } finally {
      await sim('plant', { o2BasePct: 20.9 });
      await waitUntil(async () => {
        const res = await context.request.post(`${service.url}/api/commands`, {
          data: { name: 'alarm.reset', args: { alarmId: 'o2_low_low' } },
        });
        return res.ok();
      }, 30_000).catch(() => undefined);
      await context.close();
    }
  }, 90_000);
});

describe('channel labels by language', () => {
  it('shows the French labels in French, the English ones in English, on a phone', async () => {
    const [context, page] = await newContext(PHONE, 'fr-FR');
    try {
      await signIn(page, service.url, 'admin', ADMIN_PASSWORD);
      const tileLabel = (id: string) =>
        page.locator(`app-process-tile[data-channel="${id}"] .tile-label`);
      await expectText(tileLabel('o2_1'), 'Capteur O2 1');
      await expectText(tileLabel('ln2_level'), 'Niveau LN2');
      await expectText(page.locator('app-trend-chart'), 'Capteur O2 2');
      expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(
        true,
      );
      await page.locator('app-alert-settings').scrollIntoViewIfNeeded();
      await screenshot(page, 'labels-alerts-phone-fr');
      await page.getByRole('button', { name: 'EN' }).click();
      await expectText(tileLabel('o2_1'), 'O2 sensor 1');
      await expectText(page.locator('app-trend-chart'), 'O2 sensor 2');
      await screenshot(page, 'labels-alerts-phone-en');
      await page.setViewportSize(LAPTOP);
      await page.getByRole('button', { name: 'FR' }).click();
      await expectText(tileLabel('o2_2'), 'Capteur O2 2');
      await screenshot(page, 'labels-alerts-laptop-fr');
    } finally {
      await context.close();
    }
  }, 60_000);
});
