/**
 * The operator page in Debian's Chromium against the real service (built page, simulated
 * HAT at 60× speed): login, live values, roles, valve commands, a wire break and its alarm,
 * a service restart with the outage overlay and resync. Screenshots of the main views go to
 * test-artifacts/screenshots (laptop and phone widths, English and French).
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
} from './browser-support';

const LAPTOP = { width: 1366, height: 860 };
const PHONE = { width: 360, height: 740 };
const OPERATOR_PASSWORD = 'operator-password-1';
const VIEWER_PASSWORD = 'viewer-password-1';

let browser: Browser;
const service = new ServiceProcess();

beforeAll(async () => {
  requireBuilds();
  await service.start();
  service.addUser('olga', 'operator', OPERATOR_PASSWORD);
  service.addUser('victor', 'viewer', VIEWER_PASSWORD);
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await service.stop();
});

async function newPage(viewport = LAPTOP, locale = 'en-GB'): Promise<[BrowserContext, Page]> {
  const context = await browser.newContext({ viewport, locale });
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  return [context, page];
}

const tile = (page: Page, id: string) => page.locator(`app-process-tile[data-channel="${id}"]`);
const numberIn = async (page: Page, id: string) =>
  Number((await tile(page, id).locator('.num').textContent())?.replace(',', '.'));

describe('operator page', () => {
  it('logs in and shows live values', async () => {
    const [context, page] = await newPage();
    await page.goto(`${service.url}/`);
    await page.waitForURL(/\/login$/);
    await screenshot(page, 'login-laptop-en');
    await signIn(page, service.url, 'admin', ADMIN_PASSWORD);
    await expectText(page.locator('.device'), 'lab-dewar-1');
    // Values move: the plant drains at 60× speed, so the level changes within seconds.
    await tile(page, 'ln2_level').locator('.num').waitFor();
    const first = await numberIn(page, 'ln2_level');
    await waitUntil(async () => (await numberIn(page, 'ln2_level')) !== first, 15_000);
    await tile(page, 'o2_1').locator('.num').waitFor({ timeout: 15_000 });
    // Safe to enter, at a glance, also in the tab title (issue 11).
    await expectText(page.getByTestId('room'), /Room O2 OK · 20\.\d %vol/);
    await expectText(page.getByTestId('band-valve'), 'Valve closed');
    expect(await page.title()).toMatch(/^Room O2 OK/);
    await page.waitForTimeout(1500); // a full trend line for the screenshot
    await screenshot(page, 'dashboard-laptop-en');
    await context.close();
  }, 60_000);

  it('viewer cannot command: buttons disabled with the reason, forged command refused', async () => {
    const [context, page] = await newPage();
    await signIn(page, service.url, 'victor', VIEWER_PASSWORD);
    await expectDisabled(page.getByTestId('valve-open'));
    await expectDisabled(page.getByTestId('valve-close'));
    await expectText(page.locator('#why-open'), 'viewer');
    // A hand-made command on the page's own WebSocket (the viewer's cookie rides along).
    const wsUrl = `${service.url.replace('http', 'ws')}/ws`;
    const result = await page.evaluate(
      (url) =>
        new Promise<unknown>((resolve) => {
          const ws = new WebSocket(url);
          ws.onopen = () =>
            ws.send(
              JSON.stringify({
                type: 'command',
                id: 'forged',
                name: 'valve.open',
                args: {},
                ts: new Date().toISOString(),
              }),
            );
          ws.onmessage = (event) => {
            const message = JSON.parse(event.data as string) as { type: string };
            if (message.type === 'command-result') resolve(message);
          };
        }),
      wsUrl,
    );
    expect(result).toMatchObject({ id: 'forged', ok: false, error: { code: 'forbidden' } });
    await context.close();
  }, 60_000);

  it('operator switches to manual, opens and closes the valve and sees the result', async () => {
    const [context, page] = await newPage();
    await signIn(page, service.url, 'olga', OPERATOR_PASSWORD);
    await waitUntil(
      async () => (await page.locator('#why-open').textContent())?.includes('manual') ?? false,
      20_000,
    );
    await page.getByRole('button', { name: 'Manual' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await expectText(page.getByTestId('valve-mode'), 'Manual');
    await page.getByTestId('valve-open').click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await expectText(page.getByTestId('valve-state'), 'OPEN');
    await expectText(page.getByTestId('valve-feedback'), 'Done');
    await screenshot(page, 'valve-open-laptop-en');
    await page.getByTestId('valve-close').click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await expectText(page.getByTestId('valve-state'), 'CLOSED');
    await page.getByRole('button', { name: 'Auto' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await expectText(page.getByTestId('valve-mode'), 'Auto');
    await context.close();
  }, 60_000);

  it('safety trips change only after a confirmation with a reason, recorded in the audit', async () => {
    const [context, page] = await newPage();
    await signIn(page, service.url, 'admin', ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Setpoints' }).click();
    const trips = page.locator('form.trips');
    await trips.locator('input[name="o2LowLowPct"]').fill('18.5');
    await trips.getByRole('button', { name: 'Change safety trips…' }).click();
    const dialog = page.getByRole('dialog');
    await expectText(
      dialog.getByTestId('trip-changes'),
      'Oxygen trip (evacuate): 18.0 → 18.5 %vol',
    );
    const confirm = dialog.getByRole('button', { name: 'Change the trips' });
    expect(await confirm.isDisabled()).toBe(true); // no reason yet
    await dialog.getByLabel('Reason (recorded in the audit log)').fill('site rule: 18.5');
    await screenshot(page, 'trips-confirm-laptop-en');
    await confirm.click();
    await expectText(trips.getByTestId('trips-feedback'), 'Safety trips changed');
    const audit = await context.request.get(`${service.url}/api/audit?limit=5`);
    expect(await audit.json()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          command: 'trips.set',
          ok: true,
          changes: { o2LowLowPct: { from: 18, to: 18.5 } },
        }),
      ]),
    );
    // Past a hard limit: said beside the field as it is typed, and nothing is sent.
    await trips.getByLabel('Oxygen trip (evacuate) (%vol)').fill('12');
    await expectText(
      trips.getByTestId('problem-o2LowLowPct'),
      'Must be between 18.0 and 19.5 %vol.',
    );
    await trips.getByRole('button', { name: 'Change safety trips…' }).click();
    expect(await dialog.count()).toBe(0);
    await expectText(trips.getByTestId('trips-feedback'), 'Correct the fields marked below');
    await screenshot(page, 'trips-range-laptop-en');
    // The server still refuses what the page would let through (the page is no safety layer).
    const refused = await context.request.post(`${service.url}/api/commands`, {
      data: { name: 'trips.set', args: { o2LowLowPct: 12, confirm: true, reason: 'direct' } },
    });
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(
      /a hard safety limit/,
    );
    await trips.getByLabel('Oxygen trip (evacuate) (%vol)').fill('18,5');
    await context.request.post(`${service.url}/api/commands`, {
      data: { name: 'trips.set', args: { o2LowLowPct: 18, confirm: true, reason: 'restore' } },
    });
    await context.close();
  });

  it('a wire break shows BAD and raises an alarm that the operator acknowledges', async () => {
    const [context, page] = await newPage();
    await signIn(page, service.url, 'admin', ADMIN_PASSWORD);
    await context.request.post(`${service.url}/api/sim/fault`, {
      data: { channel: 'ln2_level', fault: 'open-circuit' },
    });
    try {
      await expectText(tile(page, 'ln2_level').getByTestId('quality'), 'BAD');
      expect(await tile(page, 'ln2_level').locator('.num').count()).toBe(0);
      const alarm = page.locator('li[data-alarm="level_sensor_fault"]');
      await expectText(alarm, 'active, unacknowledged');
      await screenshot(page, 'wire-break-laptop-en');
      await alarm.getByRole('button', { name: 'Acknowledge' }).click();
      await page.getByRole('dialog').getByLabel('Comment').fill('checking the cable');
      await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
      await expectText(alarm, 'active, acknowledged');
      await expectText(alarm, 'checking the cable');
      // The same views at phone width and in French.
      await page.setViewportSize(PHONE);
      await screenshot(page, 'wire-break-phone-en');
      await page.getByRole('button', { name: 'FR', exact: true }).click();
      await expectText(tile(page, 'ln2_level').getByTestId('quality'), 'DÉFAUT');
      await screenshot(page, 'wire-break-phone-fr');
      await page.setViewportSize(LAPTOP);
      await screenshot(page, 'dashboard-laptop-fr');
      await page.getByRole('link', { name: 'Consignes' }).click();
      // Labels for people, a decimal comma, the service's refusal beside its field in French.
      await page.getByLabel('Niveau de fin de remplissage (%)').fill('10');
      await page.getByLabel('Avertissement oxygène bas (%vol)').fill('19,7');
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await expectText(
        page.getByTestId('problem-fillStopPct'),
        'Doit être supérieur à « Niveau de début de remplissage ».',
      );
      await expectText(page.getByTestId('setpoints-feedback'), 'Rien n’a changé');
      await screenshot(page, 'setpoints-laptop-fr');
      await page.setViewportSize(PHONE);
      await screenshot(page, 'setpoints-phone-fr');
      await page.setViewportSize(LAPTOP);
      await page.getByRole('button', { name: 'EN', exact: true }).click();
      // Leaving with unsaved edits asks first: staying keeps them, leaving drops them.
      page.once('dialog', (d) => void d.dismiss());
      await page.getByRole('link', { name: 'Diagnostics' }).click();
      await page.getByRole('heading', { name: 'Setpoints', level: 1 }).waitFor();
      expect(await page.getByLabel('Fill stop level (%)').inputValue()).toBe('10');
      const asked = new Promise<string>((resolve) =>
        page.once('dialog', (d) => {
          resolve(d.message());
          void d.accept();
        }),
      );
      await page.getByRole('link', { name: 'Diagnostics' }).click();
      expect(await asked).toMatch(/not saved/);
      await expectText(page.getByTestId('firmware'), '04.11');
      await screenshot(page, 'diagnostics-laptop-en');
      await page.getByRole('link', { name: 'Audit' }).click();
      await expectText(page.locator('table'), 'alarm.ack');
      await screenshot(page, 'audit-laptop-en');
      await page.setViewportSize(PHONE);
      await page.getByRole('link', { name: 'Plant' }).click();
    } finally {
      await context.request.post(`${service.url}/api/sim/fault`, { data: { fault: 'none' } });
    }
    await expectText(tile(page, 'ln2_level').locator('.num'), /\d/);
    await screenshot(page, 'dashboard-phone-en');
    await context.close();
  }, 90_000);

  it('service restart: overlay, controls blocked, nothing replayed, then live again still signed in', async () => {
    const [context, page] = await newPage();
    await signIn(page, service.url, 'olga', OPERATOR_PASSWORD);
    await service.stop();
    const overlay = page.getByTestId('overlay');
    await expectText(overlay, 'Connection lost — values are not live');
    await expectText(page.getByTestId('connection'), 'Reconnecting');
    await screenshot(page, 'overlay-laptop-en');
    // A click during the outage reaches nothing: the page under the overlay is inert.
    await page
      .getByTestId('valve-close')
      .click({ force: true, timeout: 2000 })
      .catch(() => undefined);
    const outageEnded = new Date().toISOString();
    await service.start();
    // Sessions survive the restart (sessions.json): the page resyncs without a new sign-in.
    await waitUntil(async () => (await overlay.count()) === 0, 30_000);
    if (/\/login$/.test(page.url())) {
      const { readFileSync } = await import('node:fs');
      console.log('DEBUG sessions', readFileSync(`${service.dataDir}/sessions.json`, 'utf8'));
      console.log('DEBUG log', service.log.slice(-3000));
    }
    expect(page.url()).not.toMatch(/\/login$/);
    await expectText(page.getByTestId('connection'), 'Live');
    await tile(page, 'ln2_level').locator('.num').waitFor();
    await page.waitForTimeout(1000);
    const audit = await context.request.get(`${service.url}/api/audit?limit=50`, {
      headers: { cookie: await adminCookie() },
    });
    const records = (await audit.json()) as Array<{ ts: string; user: string }>;
    expect(records.filter((r) => r.user === 'olga' && r.ts >= outageEnded)).toEqual([]);
    await context.close();
  }, 90_000);
});

describe('wall display', () => {
  it('read-only, signs itself in again after a restart or a lost cookie, stops when revoked', async () => {
    const admin = await adminCookie();
    const api = (method: string, path: string, body?: unknown) =>
      fetch(`${service.url}${path}`, {
        method,
        headers: { cookie: admin, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const { key } = (await (
      await api('POST', '/api/auth/display-keys', { name: 'door' })
    ).json()) as {
      key: string;
    };
    const [context, page] = await newPage();
    await page.goto(`${service.url}/display#key=${key}`);
    await tile(page, 'ln2_level').locator('.num').waitFor({ timeout: 15_000 });
    expect(page.url()).toBe(`${service.url}/display`); // the key left the address bar
    // Read-only: no navigation, no valve or alarm control, no sign-out.
    expect(await page.locator('nav.tabs').count()).toBe(0);
    expect(await page.getByTestId('valve-open').count()).toBe(0);
    expect(
      await page.locator('app-alarm-panel button:visible, app-valve-panel button:visible').count(),
    ).toBe(0);
    expect(await page.getByRole('button', { name: /Log out|Se déconnecter/ }).count()).toBe(0);
    await page.waitForTimeout(1000);
    await screenshot(page, 'display-laptop-en');

    // A restart: live again by itself.
    await service.stop();
    await expectText(page.getByTestId('connection'), 'Reconnecting');
    await service.start();
    await expectText(page.getByTestId('connection'), 'Live', 30_000);
    // Its cookie lost (a browser wiped by a kiosk policy): the key from storage signs it in.
    await context.clearCookies();
    await page.reload();
    await expectText(page.getByTestId('connection'), 'Live', 30_000);
    expect(await page.getByTestId('display-notice').count()).toBe(0);

    // Revoked: signed out at once, and it says why instead of a sign-in form.
    await api('DELETE', '/api/auth/display-keys/door');
    await expectText(page.getByTestId('display-notice'), 'revoked', 30_000);
    expect(page.url()).toBe(`${service.url}/display`);
    await context.close();
  }, 120_000);

  it('on a phone, in French', async () => {
    const admin = await adminCookie();
    const created = await fetch(`${service.url}/api/auth/display-keys`, {
      method: 'POST',
      headers: { cookie: admin, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'phone' }),
    });
    const { key } = (await created.json()) as { key: string };
    const [context, page] = await newPage(PHONE, 'fr-FR');
    await page.goto(`${service.url}/display#key=${key}`);
    await tile(page, 'o2_1').locator('.num').waitFor({ timeout: 15_000 });
    await page.waitForTimeout(1000);
    await screenshot(page, 'display-phone-fr');
    await context.close();
  }, 60_000);
});

async function adminCookie(): Promise<string> {
  const res = await fetch(`${service.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  return (res.headers.get('set-cookie') ?? '').split(';')[0];
}

async function expectDisabled(locator: ReturnType<Page['locator']>): Promise<void> {
  await waitUntil(() => locator.isDisabled());
}
