/**
 * The LN2 supply panel (issue 12) in Debian's Chromium against the real service at 60×: a fill
 * made by the plant shows in the recent fills with how it ended, the consumption and the next
 * fill are said in words and numbers by locale, the O2 sensors' bump tests are listed; laptop
 * English and phone French, no raw code. Screenshots in test-artifacts/screenshots.
 */
import type { Consumption, FillsResponse } from '@cryopilot/protocol';
import { Browser, BrowserContext } from 'playwright-core';
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

jest.setTimeout(180_000);

const RAW_CODE = /\b[a-z][a-z0-9]*_[a-z0-9_]+\b/;

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

async function signedIn(viewport: typeof LAPTOP, locale: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, locale });
  const page = await context.newPage();
  await signIn(page, service.url, 'admin', ADMIN_PASSWORD);
  return context;
}

it('a fill made by the plant, the consumption and the sensors, in English and French', async () => {
  const laptop = await signedIn(LAPTOP, 'en-GB');
  const [page] = laptop.pages();
  // Below fill start: the plant fills (4 %/min at 60×: about 15 s), then drains again.
  await laptop.request.post(`${service.url}/api/sim/plant`, { data: { levelPct: 15 } });
  await waitUntil(async () => {
    const res = await laptop.request.get(`${service.url}/api/fills?limit=5`);
    return ((await res.json()) as FillsResponse).fills.some((f) => f.endedBy === 'stop_level');
  }, 60_000);
  // Half an hour of level data after the settling time: about 40 s at 60×.
  await waitUntil(async () => {
    const res = await laptop.request.get(`${service.url}/api/consumption`);
    return ((await res.json()) as Consumption).ratePctPerH !== null;
  }, 120_000);

  await page.reload();
  const panel = page.locator('app-logistics-panel');
  await expectText(panel.getByTestId('fills'), 'stop level');
  await expectText(panel.getByTestId('consumption'), '%/h');
  await expectText(panel.getByTestId('sensors'), 'Last bump test: never');
  const text = await panel.innerText();
  expect(text).toMatch(/auto/);
  expect(text).not.toMatch(RAW_CODE);
  expect(text).not.toContain('Not enough level data');
  await panel.scrollIntoViewIfNeeded();
  await screenshot(page, 'logistics-laptop-en');

  // A bump test from the page: declared, fills inhibited, the other sensor's button explains
  // why it is off, then ended with its result on record.
  const sensors = panel.getByTestId('sensors');
  await sensors.getByRole('button', { name: 'Start bump test' }).first().click();
  const dialog = page.locator('dialog[open]');
  await expectText(dialog, 'every fill is inhibited');
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await expectText(sensors, 'Under test until');
  await expectText(panel.getByTestId('ln2-feedback'), 'under test: fills inhibited');
  expect(await panel.innerText()).not.toMatch(RAW_CODE);
  await expectText(page.locator('app-status-band'), /under test/i);
  expect(await sensors.getByRole('button', { name: 'Start bump test' }).isDisabled()).toBe(true);
  await expectText(panel, 'Another O2 sensor is under test.');
  await screenshot(page, 'logistics-bump-test-laptop-en');
  await sensors.getByRole('button', { name: 'End test' }).click();
  await dialog.getByLabel('Test gas (%vol O2)').fill('20.9');
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await expectText(panel.getByTestId('ln2-feedback'), 'Bump test recorded: passed.');
  await waitUntil(async () => !(await sensors.innerText()).includes('Under test'), 40_000);

  const phone = await signedIn(PHONE, 'fr-FR');
  const [phonePage] = phone.pages();
  const frPanel = phonePage.locator('app-logistics-panel');
  await expectText(frPanel.getByTestId('fills'), 'niveau d’arrêt');
  await expectText(frPanel, 'Consommation');
  // French numbers: a decimal comma in the rate.
  expect(await frPanel.getByTestId('consumption').innerText()).toMatch(/\d,\d+ %\/h/);
  expect(await frPanel.innerText()).not.toMatch(RAW_CODE);
  // No sideways scrolling of the page on a phone (the fills table scrolls within itself).
  const overflow = Number(
    await phonePage.evaluate('document.documentElement.scrollWidth - window.innerWidth'),
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await screenshot(phonePage, 'logistics-phone-fr');
  await laptop.close();
  await phone.close();
});
