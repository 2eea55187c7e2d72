/**
 * An automated accessibility scan (axe-core, Deque's engine, MPL-2.0, run unmodified in the
 * page) of every page and every dialog, in Debian's Chromium against the real service: no
 * serious or critical violation (issue 11). axe finds about half of what a person would; the
 * keyboard and focus checks are in dialogs.e2e-spec.ts, colour and text in page-quality.
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
  AxeFinding,
  axeFindings,
  LAPTOP,
  PHONE,
} from './browser-support';

let browser: Browser;
const service = new ServiceProcess();
/** Every scan's serious and critical findings, by page or dialog. */
const findings = new Map<string, AxeFinding[]>();

beforeAll(async () => {
  requireBuilds();
  await service.start();
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await service.stop();
});

/** Scans what is on screen now under `name`. */
async function scan(page: Page, name: string): Promise<void> {
  findings.set(name, await axeFindings(page));
}

/** The findings of `names`, as one readable list (empty when clean). */
function report(names: string[]): string[] {
  return names.flatMap((name) =>
    (findings.get(name) ?? [{ rule: 'not scanned', impact: '', help: '', targets: [] }]).map(
      (f) => `${name}: ${f.rule} (${f.impact}) ${f.help} → ${f.targets.join(' | ')}`,
    ),
  );
}

async function adminPage(
  viewport = LAPTOP,
  locale = 'en-GB',
  colorScheme: 'light' | 'dark' = 'light',
): Promise<[BrowserContext, Page]> {
  const context = await browser.newContext({ viewport, locale, colorScheme });
  const page = await context.newPage();
  await signIn(page, service.url, 'admin', ADMIN_PASSWORD);
  return [context, page];
}

const dialog = (page: Page) => page.getByRole('dialog');
async function scanDialog(page: Page, name: string): Promise<void> {
  await dialog(page).waitFor();
  await scan(page, name);
  await page.keyboard.press('Escape');
  await waitUntil(async () => (await page.locator('dialog[open]').count()) === 0);
}

describe('accessibility scan (axe-core): no serious or critical violation', () => {
  it('every page', async () => {
    const context = await browser.newContext({ viewport: LAPTOP, locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(`${service.url}/login`);
    await page.getByLabel('User name').waitFor();
    // The scan itself works: a button without a name (critical) is found, then taken away.
    await page.evaluate(
      `document.body.append(Object.assign(document.createElement('button'), { id: 'planted' }))`,
    );
    await scan(page, 'planted');
    expect(findings.get('planted')?.map((f) => f.rule)).toContain('button-name');
    await page.evaluate(`document.getElementById('planted').remove()`);
    await scan(page, 'login');
    await signIn(page, service.url, 'admin', ADMIN_PASSWORD);
    await page.locator('app-trend-chart canvas').waitFor();
    await scan(page, 'dashboard');
    for (const [link, name] of [
      ['Setpoints', 'setpoints'],
      ['Audit', 'audit'],
      ['Displays', 'displays'],
      ['Diagnostics', 'diagnostics'],
    ]) {
      await page.getByRole('link', { name: link }).click();
      await page.locator('main h1').first().waitFor();
      await page.waitForTimeout(300); // data loaded
      await scan(page, name);
    }
    // The wall display, signed in with a display key.
    const created = await context.request.post(`${service.url}/api/auth/display-keys`, {
      data: { name: 'axe' },
    });
    const { key } = (await created.json()) as { key: string };
    const display = await browser.newPage({ viewport: LAPTOP });
    await display.goto(`${service.url}/display#key=${key}`);
    await display.locator('app-process-tile .num').first().waitFor({ timeout: 15_000 });
    await scan(display, 'display');
    await display.close();
    // The phone layout, in French.
    const phone = await browser.newContext({ viewport: PHONE, locale: 'fr-FR' });
    const phonePage = await phone.newPage();
    await signIn(phonePage, service.url, 'admin', ADMIN_PASSWORD);
    await scan(phonePage, 'dashboard phone fr');
    await phone.close();
    await context.close();
    expect(
      report([
        'login',
        'dashboard',
        'setpoints',
        'audit',
        'displays',
        'diagnostics',
        'display',
        'dashboard phone fr',
      ]),
    ).toEqual([]);
  }, 120_000);

  it('the dashboard with standing alarms, and every dialog', async () => {
    const [context, page] = await adminPage();
    const sim = (path: string, data: object) =>
      context.request.post(`${service.url}/api/sim/${path}`, { data });
    try {
      // Standing alarms of both priorities, one latched (Reset), one to acknowledge.
      await sim('plant', { o2BasePct: 17 });
      await expectText(page.locator('li[data-alarm="o2_low_low"]'), 'active');
      await sim('plant', { o2BasePct: 20.9 });
      await sim('fault', { channel: 'ln2_level', fault: 'open-circuit' });
      await expectText(page.locator('li[data-alarm="o2_low_low"]'), 'latched');
      await expectText(page.locator('li[data-alarm="level_sensor_fault"]'), 'active');
      await scan(page, 'dashboard with alarms');

      const row = (id: string) => page.locator(`li[data-alarm="${id}"]`);
      await row('level_sensor_fault').getByRole('button', { name: 'Acknowledge' }).click();
      await scanDialog(page, 'acknowledge dialog');
      await row('level_sensor_fault').getByRole('button', { name: 'Shelve' }).click();
      await scanDialog(page, 'shelve dialog');
      await row('o2_low_low').getByRole('button', { name: 'Reset' }).click();
      await scanDialog(page, 'reset dialog');
      await page.getByTestId('valve-close').click();
      await scanDialog(page, 'close valve dialog');
      await page
        .locator('app-valve-panel .segmented')
        .getByRole('button', { name: 'Manual' })
        .click();
      await scanDialog(page, 'mode dialog');

      await page.getByRole('link', { name: 'Setpoints' }).click();
      await page.locator('form.trips input[name="o2LowLowPct"]').fill('18.5');
      await page.getByRole('button', { name: 'Change safety trips…' }).click();
      await scanDialog(page, 'safety trips dialog');
      // The trip edit is not saved: leaving asks first (the setpoints page's guard).
      page.once('dialog', (leave) => void leave.accept());

      await page.getByRole('link', { name: 'Displays' }).click();
      await page.getByLabel(/Name/).fill('axe-dialog');
      await page.getByRole('button', { name: 'Create display link' }).click();
      await page.getByRole('button', { name: 'Revoke' }).first().click();
      await scanDialog(page, 'revoke display dialog');
    } finally {
      await sim('fault', { fault: 'none' });
      await sim('plant', { o2BasePct: 20.9 });
      await context.request.post(`${service.url}/api/commands`, {
        data: { name: 'alarm.reset', args: { alarmId: 'o2_low_low' } },
      });
    }
    await context.close();
    expect(
      report([
        'dashboard with alarms',
        'acknowledge dialog',
        'shelve dialog',
        'reset dialog',
        'close valve dialog',
        'mode dialog',
        'safety trips dialog',
        'revoke display dialog',
      ]),
    ).toEqual([]);
  }, 120_000);

  it('the manual open dialog (manual mode)', async () => {
    const [context, page] = await adminPage();
    await context.request.post(`${service.url}/api/commands`, {
      data: { name: 'mode.set', args: { mode: 'manual' } },
    });
    try {
      const open = page.getByTestId('valve-open');
      await waitUntil(() => open.isEnabled(), 20_000);
      await open.click();
      await scanDialog(page, 'open valve dialog');
    } finally {
      await context.request.post(`${service.url}/api/commands`, {
        data: { name: 'mode.set', args: { mode: 'auto' } },
      });
    }
    await context.close();
    expect(report(['open valve dialog'])).toEqual([]);
  }, 60_000);

  it('the dark theme (system setting): pages, alarms and a dialog, laptop EN and phone FR', async () => {
    const [context, page] = await adminPage(LAPTOP, 'en-GB', 'dark');
    const sim = (data: object) => context.request.post(`${service.url}/api/sim/fault`, { data });
    await sim({ channel: 'ln2_level', fault: 'open-circuit' });
    try {
      const row = page.locator('li[data-alarm="level_sensor_fault"]');
      await expectText(row, 'active');
      await page.locator('app-trend-chart canvas').waitFor();
      await scan(page, 'dark dashboard');
      await screenshot(page, 'dark-dashboard-laptop-en');
      await row.getByRole('button', { name: 'Acknowledge' }).click();
      await dialog(page).waitFor();
      await screenshot(page, 'dark-dialog-laptop-en');
      await scanDialog(page, 'dark acknowledge dialog');
      for (const [link, name] of [
        ['Setpoints', 'dark setpoints'],
        ['Audit', 'dark audit'],
        ['Diagnostics', 'dark diagnostics'],
      ]) {
        await page.getByRole('link', { name: link }).click();
        await page.locator('main h1').first().waitFor();
        await page.waitForTimeout(300);
        await scan(page, name);
      }
      const [phone, phonePage] = await adminPage(PHONE, 'fr-FR', 'dark');
      await expectText(phonePage.locator('li[data-alarm="level_sensor_fault"]'), 'active');
      await scan(phonePage, 'dark dashboard phone fr');
      await screenshot(phonePage, 'dark-dashboard-phone-fr');
      await phone.close();
    } finally {
      await sim({ fault: 'none' });
    }
    // Dark for real: the page background is dark grey, the alarm badge still red-hued.
    const colours = await page.evaluate(`({
      page: getComputedStyle(document.documentElement).backgroundColor,
      critical: getComputedStyle(document.documentElement).getPropertyValue('--critical').trim(),
    })`);
    expect(colours).toEqual({ page: 'rgb(24, 28, 33)', critical: '#ff7b72' });
    await context.close();
    expect(
      report([
        'dark dashboard',
        'dark acknowledge dialog',
        'dark setpoints',
        'dark audit',
        'dark diagnostics',
        'dark dashboard phone fr',
      ]),
    ).toEqual([]);
  }, 120_000);
});
