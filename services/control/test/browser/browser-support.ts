import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { resolveUiDir } from '../../src/web/ui-dir';
import { freePort, LocalServer } from '../support/servers/local-server';

export const CHROMIUM = '/usr/bin/chromium';
const SERVICE_MAIN = resolve(__dirname, '../../dist/main.js');
const USERS_CLI = resolve(__dirname, '../../dist/auth/users-cli.js');
export const ADMIN_PASSWORD = 'browser-admin-password';
/** The two sizes every page is checked at (issue 11): a laptop and a phone. */
export const LAPTOP = { width: 1366, height: 768 };
export const PHONE = { width: 390, height: 844 };

const AXE_SOURCE = `${readFileSync(require.resolve('axe-core'), 'utf8')}\n;0`;
/** axe's answer, trimmed to what a failure message needs. */
export interface AxeFinding {
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}
// Run in the page as text: this project type-checks without the DOM library.
const RUN_AXE = `axe
  .run(document, { resultTypes: ['violations'] })
  .then((result) =>
    result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        rule: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
      })),
  )`;

/**
 * The serious and critical accessibility violations of what `page` shows now (axe-core).
 * Evaluated rather than added as a <script>: the page's CSP rightly refuses inline scripts,
 * and the scan should see the page as served, CSP included.
 */
export async function axeFindings(page: Page): Promise<AxeFinding[]> {
  if ((await page.evaluate('typeof axe')) !== 'object') await page.evaluate(AXE_SOURCE);
  return page.evaluate<AxeFinding[]>(RUN_AXE);
}
export const SCREENSHOTS = resolve(__dirname, '../../../../test-artifacts/screenshots');

/** Fails with what to do when the page or the service has not been built. */
export function requireBuilds(): void {
  const index = join(resolveUiDir(), 'index.html');
  if (!existsSync(index)) {
    throw new Error(`operator page not built (${index} missing): run \`npm run build\` first`);
  }
  if (!existsSync(SERVICE_MAIN)) {
    throw new Error(`service not built (${SERVICE_MAIN} missing): run \`npm run build\` first`);
  }
}

/** Debian's Chromium, headless; never a downloaded browser. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: apt-get install chromium`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** The built service as a real process (simulated HAT, 60× plant speed, 100 ms samples). */
export class ServiceProcess {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'cryopilot-browser-'));
  private server: LocalServer | null = null;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.port ||= await freePort();
    const mqttPort = await freePort();
    const env = {
      HARDWARE_DRIVER: 'simulated',
      SIM_SPEED: '60',
      SAMPLE_PERIOD_MS: '100',
      HTTP_PORT: String(this.port),
      DATA_DIR: this.dataDir,
      DEVICE_ID: 'lab-dewar-1',
      ADMIN_PASSWORD,
      MQTT_EMBEDDED_PORT: String(mqttPort),
    };
    const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    this.server = new LocalServer({
      command: 'env',
      args: [...envArgs, process.execPath, SERVICE_MAIN],
      aptPackage: 'nodejs',
      isReady: async () => (await fetch(`${this.url}/api/health`)).ok,
    });
    await this.server.start();
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }

  get log(): string {
    return this.server?.log ?? '';
  }

  /** `npm run users -- add <name> <role>` against this service's data directory. */
  addUser(name: string, role: string, password: string): void {
    execFileSync(process.execPath, [USERS_CLI, 'add', name, role, '--password-stdin'], {
      input: password,
      env: { ...process.env, DATA_DIR: this.dataDir, DEVICE_ID: 'lab-dewar-1' },
    });
  }
}

/** Signs in through the login form. */
export async function signIn(page: Page, baseUrl: string, user: string, password: string) {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel(/User name|Nom d'utilisateur/).fill(user);
  await page.getByLabel(/Password|Mot de passe/).fill(password);
  await page.getByRole('button', { name: /Sign in|Se connecter/ }).click();
  await page
    .getByTestId('connection')
    .filter({ hasText: /Live|En direct/ })
    .waitFor();
  // Live comes with the session, before the router has left the form (the next page's code
  // may still be loading): a reload or a screenshot right now would still be of /login.
  await page.waitForURL((url) => url.pathname !== '/login');
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Polls `check` every 100 ms until it holds. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the first element of `locator` contains `text`. */
export async function expectText(
  locator: ReturnType<Page['locator']>,
  text: string | RegExp,
  timeoutMs = 15_000,
): Promise<void> {
  await waitUntil(async () => {
    const content =
      (await locator
        .first()
        .textContent()
        .catch(() => null)) ?? '';
    return typeof text === 'string' ? content.includes(text) : text.test(content);
  }, timeoutMs).catch(async () => {
    const content = await locator
      .first()
      .textContent()
      .catch(() => '(none)');
    throw new Error(`expected ${String(text)} in: ${content}`);
  });
}
