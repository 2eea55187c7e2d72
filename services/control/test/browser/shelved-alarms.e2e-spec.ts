/**
 * Shelved alarms on the operator page (issue 11, ISA-18.2), in Debian's Chromium against the
 * real service: an admin shelves a warning from the page, it leaves the standing list and the
 * counts and shows in its own list (who, why, until when); an operator unshelves it from there
 * and it is back, unacknowledged. axe scans the list. Laptop and phone, English and French.
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
  axeFindings,
  LAPTOP,
  PHONE,
} from './browser-support';

const OPERATOR_PASSWORD = 'operator-password-1';

let browser: Browser;
const service = new ServiceProcess();

beforeAll(async () => {
  requireBuilds();
  await service.start();
  service.addUser('olga', 'operator', OPERATOR_PASSWORD);
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await service.stop();
});

async function newPage(
  user: string,
  password: string,
  viewport = LAPTOP,
  locale = 'en-GB',
): Promise<[BrowserContext, Page]> {
  const context = await browser.newContext({ viewport, locale });
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  await signIn(page, service.url, user, password);
  return [context, page];
}

const row = (page: Page, id: string) => page.locator(`li[data-alarm="${id}"]`);
const shelvedRow = (page: Page, id: string) => page.locator(`li[data-shelved="${id}"]`);
const noSidewaysScroll = (page: Page) =>
  page.evaluate('document.documentElement.scrollWidth <= window.innerWidth');

it('shelve from the page, the shelved list, then unshelve by an operator', async () => {
  const [adminContext, admin] = await newPage('admin', ADMIN_PASSWORD);
  const sim = (path: string, data: object) =>
    adminContext.request.post(`${service.url}/api/sim/${path}`, { data });
  await sim('fault', { channel: 'ln2_level', fault: 'open-circuit' });
  try {
    await expectText(row(admin, 'level_sensor_fault'), 'active');
    await expectText(admin.getByTestId('band-alarms'), '1 warning');
    await row(admin, 'level_sensor_fault').getByRole('button', { name: 'Shelve' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByLabel('Comment').fill('wire being replaced');
    // The longest shelf: 24 h at the service's 60× speed is 24 min, longer than this test.
    await dialog.getByLabel('Minutes').fill('1440');
    await dialog.getByRole('button', { name: 'Confirm' }).click();

    // Out of the standing list and the counts; in its own list with who, why, until when.
    await waitUntil(async () => (await row(admin, 'level_sensor_fault').count()) === 0);
    await expectText(admin.getByTestId('band-alarms'), 'No alarm');
    const list = admin.getByTestId('shelved-alarms');
    await expectText(list.locator('summary'), 'Shelved 1');
    await list.locator('summary').click();
    const item = shelvedRow(admin, 'level_sensor_fault');
    await expectText(item, 'by admin');
    await expectText(item, '“wire being replaced”');
    await expectText(item, /until \d\d:\d\d:\d\d/);
    expect(await axeFindings(admin)).toEqual([]);
    await screenshot(admin, 'shelved-laptop-en');

    // An operator on a phone, in French: the list, and Unshelve.
    const [opContext, op] = await newPage('olga', OPERATOR_PASSWORD, PHONE, 'fr-FR');
    const opList = op.getByTestId('shelved-alarms');
    await expectText(opList.locator('summary'), 'Mises de côté 1');
    await opList.locator('summary').click();
    await expectText(shelvedRow(op, 'level_sensor_fault'), 'par admin');
    expect(await noSidewaysScroll(op)).toBe(true);
    expect(await axeFindings(op)).toEqual([]);
    await shelvedRow(op, 'level_sensor_fault').scrollIntoViewIfNeeded();
    await screenshot(op, 'shelved-phone-fr');
    await shelvedRow(op, 'level_sensor_fault')
      .getByRole('button', { name: 'Remettre en service' })
      .click();
    await op.getByRole('dialog').waitFor();
    expect(await axeFindings(op)).toEqual([]);
    await op.getByRole('dialog').getByRole('button', { name: 'Confirmer' }).click();

    // Back in the standing list, unacknowledged, and counted again, on both pages.
    await expectText(row(op, 'level_sensor_fault'), 'active, non acquittée');
    await waitUntil(async () => (await op.getByTestId('shelved-alarms').count()) === 0);
    await expectText(admin.getByTestId('band-alarms'), '1 warning');
    await expectText(row(admin, 'level_sensor_fault'), 'active, unacknowledged');
    await opContext.close();
  } finally {
    await sim('fault', { fault: 'none' });
    await adminContext.close();
  }
}, 90_000);
