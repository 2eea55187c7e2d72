/**
 * Dialogs as a keyboard user meets them (issue 11), in Debian's Chromium against the real
 * service: initial focus, Tab kept inside, Escape cancels, focus back on the opener or on the
 * panel heading when the opener is gone, an Acknowledge after a Reset starts clean, and a
 * lost connection closes the dialog so that the outage overlay is never under it.
 */
import { Browser, BrowserContext, Page } from 'playwright-core';
import {
  ADMIN_PASSWORD,
  expectText,
  launchChromium,
  requireBuilds,
  screenshot,
  ServiceProcess,
  signIn,
  waitUntil,
  LAPTOP,
  PHONE,
} from './browser-support';

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

async function adminPage(viewport = LAPTOP, locale = 'en-GB'): Promise<[BrowserContext, Page]> {
  const context = await browser.newContext({ viewport, locale });
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  await signIn(page, service.url, 'admin', ADMIN_PASSWORD);
  return [context, page];
}

/*
 * Code run in the page is passed as text: this project type-checks without the DOM library
 * (the service is Node), and these few lines are plain browser JavaScript.
 */
/** What has focus, said the way a test can compare: test id, else tag and text. */
const FOCUSED = `(() => {
  const e = document.activeElement;
  if (!e || e === document.body) return 'body';
  const text = (e.textContent ?? '').replace(/\\s+/g, ' ').trim();
  return e.getAttribute('data-testid') ?? e.tagName.toLowerCase() + ':' + text;
})()`;
const focused = async (page: Page) => String(await page.evaluate(FOCUSED));
/** Focus moves after the dialog renders (a frame later): poll, then say what had it. */
async function expectFocus(page: Page, expected: string | RegExp): Promise<void> {
  const matches = (f: string) => (typeof expected === 'string' ? f === expected : expected.test(f));
  await waitUntil(async () => matches(await focused(page)), 5000).catch(async () => {
    throw new Error(`expected focus on ${String(expected)}, found ${await focused(page)}`);
  });
}
const focusInDialog = async (page: Page) =>
  (await page.evaluate(`document.activeElement?.closest('dialog[open]') !== null`)) === true;
const openDialogs = (page: Page) => page.locator('dialog[open]').count();
const alarmRow = (page: Page, id: string) => page.locator(`li[data-alarm="${id}"]`);

describe('dialogs', () => {
  it('Escape cancels and focus returns to the opener; Tab stays inside', async () => {
    const [context, page] = await adminPage();
    const close = page.getByTestId('valve-close');
    await waitUntil(() => close.isEnabled(), 20_000);
    await close.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await expectFocus(page, 'dialog-cancel'); // no field: the harmless choice
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Tab');
      expect(await focusInDialog(page)).toBe(true);
    }
    await page.keyboard.press('Shift+Tab');
    expect(await focusInDialog(page)).toBe(true);
    await page.keyboard.press('Escape');
    await waitUntil(async () => (await openDialogs(page)) === 0);
    await expectFocus(page, 'valve-close');
    await expectText(page.getByTestId('valve-mode'), 'Auto'); // nothing was sent
    await context.close();
  }, 60_000);

  it('an Acknowledge after a Reset starts clean, and focus survives a reset alarm', async () => {
    const [context, page] = await adminPage();
    const sim = (data: object) => context.request.post(`${service.url}/api/sim/plant`, { data });
    // O2 below the trip, then back: o2_low_low latched (Reset), o2_low cleared (Acknowledge).
    await sim({ o2BasePct: 17 });
    await expectText(alarmRow(page, 'o2_low_low'), 'active');
    await sim({ o2BasePct: 20.9 });
    try {
      await expectText(alarmRow(page, 'o2_low_low'), 'latched');
      const ack = alarmRow(page, 'o2_low').getByRole('button', { name: 'Acknowledge' });
      const reset = alarmRow(page, 'o2_low_low').getByRole('button', { name: 'Reset' });
      await ack.waitFor();

      // A comment typed, then cancelled.
      await ack.click();
      await expectFocus(page, 'textarea:');
      await page.keyboard.type('half a thought');
      await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
      await expectFocus(page, 'button:Acknowledge');
      // A Reset in between: no field, Cancel first.
      await reset.click();
      await expectFocus(page, 'dialog-cancel');
      await page.keyboard.press('Escape');
      await expectFocus(page, 'button:Reset');
      // The Acknowledge again: empty comment, and the cursor in it.
      await ack.click();
      await expectFocus(page, 'textarea:');
      expect(await page.getByRole('dialog').getByLabel('Comment').inputValue()).toBe('');
      await screenshot(page, 'dialog-ack-laptop-en');
      await page.keyboard.press('Escape');

      // Confirming the Reset removes its button: focus lands on the Alarms heading.
      await reset.click();
      await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
      await waitUntil(async () => (await alarmRow(page, 'o2_low_low').count()) === 0);
      await expectFocus(page, /^h2:Alarms/);
    } finally {
      await sim({ o2BasePct: 20.9 });
    }
    await context.close();
  }, 90_000);

  it('on a phone in French, the dialog fits and focuses its field', async () => {
    const [context, page] = await adminPage(PHONE, 'fr-FR');
    const sim = (data: object) => context.request.post(`${service.url}/api/sim/fault`, { data });
    await sim({ channel: 'ln2_level', fault: 'open-circuit' });
    try {
      const row = alarmRow(page, 'level_sensor_fault');
      await row.getByRole('button', { name: 'Acquitter' }).click();
      await expectFocus(page, 'textarea:');
      const box = await page.getByRole('dialog').boundingBox();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
      await screenshot(page, 'dialog-ack-phone-fr');
      await page.keyboard.press('Escape');
      await expectFocus(page, 'button:Acquitter');
    } finally {
      await sim({ fault: 'none' });
    }
    await context.close();
  }, 60_000);

  it('a lost connection closes the dialog: the overlay is on top, nothing is sent', async () => {
    const [context, page] = await adminPage();
    const close = page.getByTestId('valve-close');
    await waitUntil(() => close.isEnabled(), 20_000);
    await close.click();
    await page.getByRole('dialog').waitFor();
    await service.stop();
    const overlay = page.getByTestId('overlay');
    await expectText(overlay, 'Connection lost');
    await waitUntil(async () => (await openDialogs(page)) === 0);
    // What a person sees in the middle of the screen is the overlay, not a dialog.
    const [x, y] = [LAPTOP.width / 2, LAPTOP.height / 2];
    const onTop = await page.evaluate(
      `document.elementFromPoint(${x}, ${y})?.closest('[data-testid="overlay"]') !== null`,
    );
    expect(onTop).toBe(true);
    await screenshot(page, 'dialog-overlay-laptop-en');
    await service.start();
    await waitUntil(async () => (await overlay.count()) === 0, 30_000);
    await expectText(page.getByTestId('valve-mode'), 'Auto'); // the Close was never sent
    expect(await openDialogs(page)).toBe(0);
    await context.close();
  }, 90_000);
});
