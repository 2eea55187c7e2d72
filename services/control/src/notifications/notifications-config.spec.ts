import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, loadStartup } from '../config/config.loader';

/** Writes `yaml` to a temp file and loads it with `env`. */
function load(yaml: string, env: NodeJS.ProcessEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'cryopilot-notify-config-'));
  const path = join(dir, 'config.yaml');
  writeFileSync(path, yaml);
  return { dir, run: () => loadStartup({ CRYOPILOT_CONFIG: path, ...env }).config };
}

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('the config was accepted');
}

const CHANNELS = `
notifications:
  channels:
    - { name: ops_mail, kind: email, host: smtp.example.org, username: cryo, from: cryo@example.org, to: [ops@example.org] }
    - { name: phone, kind: ntfy, url: "https://ntfy.example.org/dewar", priorities: [critical] }
    - { name: hook, kind: webhook, url: "https://hooks.example.org/x" }
`;

describe('notifications config', () => {
  it('is off by default (no channel) and fills in the defaults', () => {
    const n = loadConfig({
      CRYOPILOT_CONFIG: load('deviceId: t\n').dir + '/config.yaml',
    }).notifications;
    expect(n).toMatchObject({ channels: [], repeatCriticalS: 900, timeoutS: 20 });
    expect(n.retry).toEqual({ initialS: 5, maxS: 300 });
  });

  it('takes each channel secret from NOTIFY_<NAME>_… or its _FILE', () => {
    const { dir, run } = load(CHANNELS, {});
    const secretFile = join(dir, 'pw');
    writeFileSync(secretFile, 'smtp-secret\n');
    const config = loadStartup({
      CRYOPILOT_CONFIG: join(dir, 'config.yaml'),
      NOTIFY_OPS_MAIL_PASSWORD_FILE: secretFile,
      NOTIFY_PHONE_TOKEN: 'tk_phone',
      NOTIFY_HOOK_SECRET: 'a-long-enough-hmac-secret',
    }).config;
    expect(run().notifications.channels).toHaveLength(3);
    const [mail, phone, hook] = config.notifications.channels;
    expect(mail).toMatchObject({ kind: 'email', password: 'smtp-secret', port: 587 });
    expect(phone).toMatchObject({ kind: 'ntfy', token: 'tk_phone', priorities: ['critical'] });
    expect(hook).toMatchObject({ kind: 'webhook', hmacSecret: 'a-long-enough-hmac-secret' });
    expect(hook.priorities).toEqual(['critical', 'warning']);
  });

  it('lists every problem at once, with its path', () => {
    const { dir } = load(`
notifications:
  channels:
    - { name: Ops, kind: email, host: "", from: not-an-address, to: [] }
    - { name: hook, kind: webhook, url: "ftp://x", priorities: [urgent] }
    - { name: hook, kind: pager }
  escalation: { channels: [nobody] }
  quietHours: { start: "25:00", end: "07:00", timeZone: Mars/Olympus }
  retry: { initialS: 60, maxS: 10 }
`);
    const problems = problemsOf(() =>
      loadStartup({
        CRYOPILOT_CONFIG: join(dir, 'config.yaml'),
        NOTIFY_GHOST_TOKEN: 'x',
        NOTIFY_HOOK_PASSWORD: 'x',
        NOTIFY_HOOK_TOKEN: 'x',
        NOTIFY_HOOK_TOKEN_FILE: '/nonexistent',
      }),
    );
    const expected = [
      'notifications.channels[0].name:',
      'notifications.channels[0].host:',
      'notifications.channels[0].from:',
      'notifications.channels[0].to:',
      'notifications.channels[1].url:',
      'notifications.channels[1].priorities[0]:',
      'notifications.channels[2].kind:',
      'notifications.quietHours.start:',
      'notifications.quietHours.timeZone:',
      'notifications.retry.maxS:',
      'env NOTIFY_GHOST_TOKEN: no notification channel named ghost',
      'env NOTIFY_HOOK_PASSWORD: a webhook channel has no PASSWORD secret',
      'env NOTIFY_HOOK_TOKEN and NOTIFY_HOOK_TOKEN_FILE: both set',
    ];
    for (const start of expected) {
      expect(problems.some((p) => p.startsWith(start))).toBe(true);
    }
  });

  it('checks names across channels and the escalation list', () => {
    const { run } = load(`
notifications:
  channels:
    - { name: hook, kind: webhook, url: "https://a.example.org" }
    - { name: hook, kind: webhook, url: "https://b.example.org" }
  escalation: { channels: [nobody] }
`);
    expect(problemsOf(run)).toEqual([
      'notifications.channels[1].name: duplicate of channels[0]',
      'notifications.escalation.channels[0]: no channel named nobody',
    ]);
  });
});
