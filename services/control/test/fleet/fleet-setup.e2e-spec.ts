/**
 * `make setup` (scripts/pi-setup.sh, all of it: ≈ 5 s a run, most of it the HTTPS certificate) and the fleet answers (docs/fleet.md, "Set up a Pi"): it
 * writes the bridge into mosquitto/config/conf.d when FLEET_CENTRAL_URL is set, removes it when
 * emptied, insists on an explicit answer about central commands, and keeps the answers in .env.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/servers/engine';

let dir: string;
const bridge = () => join(dir, 'conf.d/fleet-bridge.conf');

function setup(env: Record<string, string>) {
  return spawnSync('bash', [join(ROOT, 'scripts/pi-setup.sh')], {
    env: {
      PATH: `${process.env.PATH}:/usr/sbin`,
      HOME: process.env.HOME ?? '/tmp',
      CI: 'true',
      ENV_FILE: join(dir, '.env'),
      ENV_EXAMPLE: join(ROOT, '.env.example'),
      PASSWD_FILE: join(dir, 'passwd'),
      CONTACT_POINTS_FILE: join(dir, 'contact-points.yaml'),
      CERTS_DIR: join(dir, 'certs'),
      BACKUP_DIR: join(dir, 'backups'),
      BRIDGE_CONF: bridge(),
      ...env,
    },
    encoding: 'utf8',
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cryopilot-fleet-setup-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('make setup and the fleet bridge', () => {
  it('without a central URL (the .env.example default) there is no bridge', () => {
    const result = setup({});
    expect(result.status).toBe(0);
    expect(existsSync(bridge())).toBe(false);
  }, 60_000);

  it('a central URL without an explicit answer about central commands is refused', () => {
    const result = setup({
      FLEET_CENTRAL_URL: 'mqtt://127.0.0.1:18830',
      FLEET_PASSWORD: '0123456789abcdef0123',
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('FLEET_ALLOW_COMMANDS must be yes or no');
    expect(existsSync(bridge())).toBe(false);
  }, 60_000);

  it('writes the bridge under the service’s DEVICE_ID, private, and keeps the answers', () => {
    const result = setup({
      FLEET_CENTRAL_URL: 'mqtt://127.0.0.1:18830',
      FLEET_ALLOW_COMMANDS: 'no',
      FLEET_PASSWORD: '0123456789abcdef0123',
    });
    expect(result.status).toBe(0);
    const env = readFileSync(join(dir, '.env'), 'utf8');
    const device = /^DEVICE_ID=(.*)$/m.exec(env)![1];
    const conf = readFileSync(bridge(), 'utf8');
    expect(conf).toContain(`topic telemetry out 1 cryopilot/${device}/ cryopilot/${device}/`);
    expect(conf).toContain(`remote_username ${device}`);
    expect(conf).not.toMatch(/^topic cmd\/\+ in/m);
    expect(conf).not.toMatch(/^topic .*homeassistant/m);
    expect(conf).not.toMatch(/@[A-Z_]+@|^#\?/m); // every placeholder and flag resolved
    expect(statSync(bridge()).mode & 0o777).toBe(0o600);
    expect(env).toMatch(/^FLEET_CENTRAL_URL=mqtt:\/\/127\.0\.0\.1:18830$/m);

    // Run again with nothing in the environment: the same file from .env.
    expect(setup({}).status).toBe(0);
    expect(readFileSync(bridge(), 'utf8')).toBe(conf);
  }, 90_000);

  it('bridges out every topic the service publishes (docs/interfaces.md), and only those', () => {
    const conf = readFileSync(bridge(), 'utf8');
    const device = /^remote_clientid (.*)$/m.exec(conf)![1];
    const out = [...conf.matchAll(/^topic (\S+) out 1 (\S+) \S+$/gm)].map((m) => m[2] + m[1]);
    const published = [
      ...readFileSync(join(ROOT, 'docs/interfaces.md'), 'utf8').matchAll(/^\| `…\/([^`]+)` +\|/gm),
    ]
      .map((m) => m[1])
      // Subscribed by the service (commands), or published by the bridge itself.
      .filter((topic) => !topic.startsWith('cmd/<') && topic !== 'bridge/state')
      .map((topic) => `cryopilot/${device}/${topic.replace(/<[a-z]+>/g, 'o2_1')}`);
    expect(published.length).toBeGreaterThanOrEqual(8);
    for (const topic of published) {
      expect([topic, out.some((pattern) => mqttMatches(pattern, topic))]).toEqual([topic, true]);
    }
    expect(out.every((pattern) => pattern.startsWith(`cryopilot/${device}/`))).toBe(true);
  });

  it('emptying the central URL removes the bridge', () => {
    expect(setup({ FLEET_CENTRAL_URL: '' }).status).toBe(0);
    expect(existsSync(bridge())).toBe(false);
  }, 60_000);
});

/** MQTT topic filter matching (`+` one level, `#` the rest). */
function mqttMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}
