/**
 * `make setup` / `make alerts`: where Grafana's alerts go (scripts/setup-alerts.sh), with the
 * answers piped in, on the non-interactive CI path, from the environment, on a second run and
 * after an update from a version that sent alerts nowhere; what Compose then gives Grafana;
 * `make up`'s check; and `make test-alert` (scripts/test-alert.mjs) against a stand-in for
 * Grafana's contact point test API (the real Grafana runs in the GitHub workflow:
 * test/stack-real).
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readDotEnv, ROOT, serviceEnvironment } from './support/compose-env';

let dir: string;
let n = 0;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'cryopilot-alerts-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  readonly envFile: string;
  readonly contactPoints: string;
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `script` (pi-setup.sh or setup-alerts.sh) on a scratch .env, `input` on stdin. */
function run(
  script: 'pi-setup.sh' | 'setup-alerts.sh',
  input: string,
  env: Record<string, string> = {},
  files?: { envFile: string; contactPoints: string },
): Run {
  const envFile = files?.envFile ?? join(dir, `${++n}.env`);
  const contactPoints = files?.contactPoints ?? join(dir, `${n}-contact-points.yaml`);
  const result = spawnSync('bash', [join(ROOT, 'scripts', script)], {
    input,
    env: {
      PATH: `${process.env.PATH}:/usr/sbin`,
      HOME: process.env.HOME ?? '/tmp',
      ENV_FILE: envFile,
      ENV_EXAMPLE: join(ROOT, '.env.example'),
      PASSWD_FILE: join(dir, `${n}.passwd`),
      CONTACT_POINTS_FILE: contactPoints,
      ...env,
    },
    encoding: 'utf8',
  });
  return {
    envFile,
    contactPoints,
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

const receiverUids = (file: string) =>
  (
    parse(readFileSync(file, 'utf8')) as {
      contactPoints: { receivers: { uid: string }[] }[];
    }
  ).contactPoints[0].receivers.map((r) => r.uid);
const deleted = (file: string) =>
  (
    parse(readFileSync(file, 'utf8')) as { deleteContactPoints: { uid: string }[] }
  ).deleteContactPoints.map((d) => d.uid);

const ALL_ANSWERS = [
  '1 2 3',
  'ops@example.org, lab@example.org',
  'smtp.example.org:587',
  'grafana',
  'pa$$w&rd "x"',
  'alerts@example.org',
  'https://ntfy.sh/cryopilot-3f9a',
  'not a url',
  'https://hooks.example.org/in?a=1&b=$2',
  '',
].join('\n');

describe('make setup: where alerts go', () => {
  it('asks (answers piped in): e-mail with SMTP, ntfy and a webhook, retrying a bad URL', () => {
    const r = run('pi-setup.sh', ALL_ANSWERS);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('  not a valid URL: not a url\n');
    const env = readDotEnv(r.envFile);
    expect(env).toMatchObject({
      ALERT_DESTINATIONS: 'email,ntfy,webhook',
      ALERT_EMAIL_TO: 'ops@example.org, lab@example.org',
      SMTP_ENABLED: 'true',
      SMTP_HOST: 'smtp.example.org:587',
      SMTP_USER: 'grafana',
      SMTP_PASSWORD: 'pa$$w&rd "x"',
      SMTP_FROM: 'alerts@example.org',
      ALERT_NTFY_URL: 'https://ntfy.sh/cryopilot-3f9a',
      ALERT_WEBHOOK_URL: 'https://hooks.example.org/in?a=1&b=$2',
    });
    expect(receiverUids(r.contactPoints)).toEqual([
      'cryopilot-email',
      'cryopilot-ntfy',
      'cryopilot-webhook',
    ]);
    expect(deleted(r.contactPoints)).toEqual(['cryopilot-no-destination']);
    expect(r.stdout).toContain('alerts go to: email,ntfy,webhook');
    expect(r.stdout).not.toContain('NO ALERT DESTINATION');
    // What Compose gives Grafana: the values exactly as typed (`$`, `&` and quotes kept).
    const grafana = serviceEnvironment('grafana', r.envFile);
    expect(grafana).toMatchObject({
      ALERT_DESTINATIONS: 'email,ntfy,webhook',
      ALERT_WEBHOOK_URL: 'https://hooks.example.org/in?a=1&b=$2',
      GF_SMTP_ENABLED: 'true',
      GF_SMTP_PASSWORD: 'pa$$w&rd "x"',
    });
  });

  it('Debian docker-compose reads the quoted values literally too', () => {
    const r = run('pi-setup.sh', ALL_ANSWERS);
    const config = spawnSync(
      'docker-compose',
      [
        '--project-directory',
        ROOT,
        '--env-file',
        r.envFile,
        '-f',
        join(ROOT, 'docker-compose.yml'),
        'config',
      ],
      { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } },
    );
    if (config.error) throw new Error('docker-compose not found: apt-get install docker-compose');
    expect(config.stderr).toBe('');
    const grafana = (
      parse(config.stdout) as { services: { grafana: { environment: Record<string, string> } } }
    ).services.grafana.environment;
    // `config` prints a Compose file again, so a literal `$` comes out escaped as `$$`.
    const literal = (v: string) => v.replace(/\$\$/g, '$');
    expect(literal(grafana.ALERT_WEBHOOK_URL)).toBe('https://hooks.example.org/in?a=1&b=$2');
    expect(literal(grafana.GF_SMTP_PASSWORD)).toBe('pa$$w&rd "x"');
  });

  it('unanswered (Enter alone, or end of input): none, said LOUDLY, contact point failing on purpose', () => {
    for (const input of ['\n', '']) {
      const r = run('pi-setup.sh', input);
      expect(r.status).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('WARNING: NO ALERT DESTINATION IS SET');
      expect(readDotEnv(r.envFile)).toMatchObject({
        ALERT_DESTINATIONS: 'none',
        ALERT_EMAIL_TO: '',
        SMTP_ENABLED: 'false',
      });
      expect(receiverUids(r.contactPoints)).toEqual(['cryopilot-no-destination']);
      expect(readFileSync(r.contactPoints, 'utf8')).toContain(
        'http://alert-destination-not-set.invalid/',
      );
    }
  });

  it('non-interactive (CI): never reads stdin, takes destinations from the environment', () => {
    const ignored = run('pi-setup.sh', ALL_ANSWERS, { CI: 'true' });
    expect(readDotEnv(ignored.envFile).ALERT_DESTINATIONS).toBe('none');
    expect(ignored.stdout).toContain('WARNING: NO ALERT DESTINATION IS SET');

    const scripted = run('pi-setup.sh', '', {
      CRYOPILOT_NONINTERACTIVE: '1',
      ALERT_NTFY_URL: 'https://ntfy.example.org/t',
    });
    expect(scripted.status).toBe(0);
    expect(readDotEnv(scripted.envFile)).toMatchObject({
      ALERT_DESTINATIONS: 'ntfy',
      ALERT_NTFY_URL: 'https://ntfy.example.org/t',
    });
    expect(receiverUids(scripted.contactPoints)).toEqual(['cryopilot-ntfy']);
  });

  it('refuses a malformed destination from the environment', () => {
    const r = run('pi-setup.sh', '', { CI: 'true', ALERT_WEBHOOK_URL: 'ftp://x' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('ALERT_WEBHOOK_URL is not an http(s) URL');
  });

  it('a second `make setup` keeps the destinations and asks nothing; `make alerts` asks again', () => {
    const first = run('pi-setup.sh', ALL_ANSWERS);
    const files = { envFile: first.envFile, contactPoints: first.contactPoints };
    const second = run('pi-setup.sh', '3\nhttps://other.example.org/\n', {}, files);
    expect(second.status).toBe(0);
    expect(readDotEnv(first.envFile).ALERT_DESTINATIONS).toBe('email,ntfy,webhook');

    const again = run('setup-alerts.sh', '3\nhttps://only-this.example.org/hook\n', {}, files);
    expect(again.status).toBe(0);
    expect(readDotEnv(first.envFile)).toMatchObject({
      ALERT_DESTINATIONS: 'webhook',
      ALERT_EMAIL_TO: '',
      ALERT_WEBHOOK_URL: 'https://only-this.example.org/hook',
      SMTP_ENABLED: 'false',
    });
    // The receivers no longer wanted are deleted from Grafana by the provisioning file.
    expect(receiverUids(first.contactPoints)).toEqual(['cryopilot-webhook']);
    expect(deleted(first.contactPoints).sort()).toEqual([
      'cryopilot-email',
      'cryopilot-no-destination',
      'cryopilot-ntfy',
    ]);
  });

  it('after an update: the old placeholders (root@localhost, localhost:9) are no destination', () => {
    const first = run('pi-setup.sh', '', { CI: 'true' });
    const text = readFileSync(first.envFile, 'utf8')
      .replace(/^ALERT_EMAIL_TO=.*$/m, 'ALERT_EMAIL_TO=root@localhost')
      .replace(
        /^ALERT_WEBHOOK_URL=.*$/m,
        'ALERT_WEBHOOK_URL=http://localhost:9/set-ALERT_WEBHOOK_URL',
      )
      .replace(/^ALERT_DESTINATIONS=.*\n/m, '');
    writeFileSync(first.envFile, text);
    const r = run('pi-setup.sh', '', { CI: 'true' }, first);
    expect(readDotEnv(first.envFile)).toMatchObject({
      ALERT_DESTINATIONS: 'none',
      ALERT_EMAIL_TO: '',
      ALERT_WEBHOOK_URL: '',
    });
    expect(r.stdout).toContain('WARNING: NO ALERT DESTINATION IS SET');
  });
});

describe('make up: the alert destination check (mk/alerts.mk)', () => {
  /** A copy of what `make` needs, to run its targets on a scratch checkout. */
  function checkout() {
    const root = join(dir, `checkout-${++n}`);
    mkdirSync(join(root, 'grafana/provisioning/alerting'), { recursive: true });
    for (const path of ['Makefile', 'mk', 'scripts', '.env.example'])
      cpSync(join(ROOT, path), join(root, path), { recursive: true });
    return root;
  }
  const make = (root: string, target: string) =>
    spawnSync('make', ['-s', target], {
      cwd: root,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });

  it('regenerates a contact point missing after an update, and warns when nothing is set', () => {
    const root = checkout();
    cpSync(join(ROOT, '.env.example'), join(root, '.env'));
    const setup = run(
      'setup-alerts.sh',
      '',
      { CI: 'true' },
      {
        envFile: join(root, '.env'),
        contactPoints: join(root, 'grafana/provisioning/alerting/contact-points.yaml'),
      },
    );
    expect(setup.status).toBe(0);
    rmSync(join(root, 'grafana/provisioning/alerting/contact-points.yaml'));
    const regenerated = make(root, 'alert-destination-check');
    expect(regenerated.status).toBe(0);
    expect(existsSync(join(root, 'grafana/provisioning/alerting/contact-points.yaml'))).toBe(true);
    const again = make(root, 'alert-destination-check');
    expect(again.stdout).toContain('WARNING: NO ALERT DESTINATION IS SET');
  });
});

describe('make test-alert (scripts/test-alert.mjs)', () => {
  let server: Server;
  let url: string;
  const requests: { method: string; path: string; auth: string; body: unknown }[] = [];
  let testStatus = 200;
  let testResult: unknown;
  const integrations = [
    {
      uid: 'cryopilot-ntfy',
      name: 'cryopilot-oncall',
      type: 'webhook',
      settings: { url: 'https://ntfy.sh/t' },
    },
    {
      uid: 'cryopilot-webhook',
      name: 'cryopilot-oncall',
      type: 'webhook',
      settings: { url: 'https://h/x' },
    },
    { uid: 'other', name: 'somebody-else', type: 'email', settings: { addresses: 'x@y' } },
  ];

  beforeAll(async () => {
    const readBody = async (req: IncomingMessage) => {
      let text = '';
      for await (const chunk of req) text += String(chunk);
      return text ? (JSON.parse(text) as unknown) : undefined;
    };
    server = createServer((req, res) => {
      void readBody(req).then((body) => {
        requests.push({
          method: req.method!,
          path: req.url!,
          auth: req.headers.authorization ?? '',
          body,
        });
        res.setHeader('Content-Type', 'application/json');
        if (req.url?.startsWith('/api/v1/provisioning/contact-points')) {
          res.end(JSON.stringify(integrations));
        } else if (req.url === '/api/alertmanager/grafana/config/api/v1/receivers/test') {
          res.statusCode = testStatus;
          res.end(JSON.stringify(testResult));
        } else {
          res.statusCode = 404;
          res.end('{}');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());

  /** Runs the script as `make test-alert` does (asynchronously: the stand-in answers here). */
  const testAlert = (env: Record<string, string>) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [join(ROOT, 'scripts/test-alert.mjs')], {
        env: {
          PATH: process.env.PATH ?? '',
          GRAFANA_URL: url,
          GRAFANA_ADMIN_PASSWORD: 'pw',
          ...env,
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
  const result = (statuses: [string, string, string?][]) => ({
    receivers: [
      {
        name: 'cryopilot-oncall',
        grafana_managed_receiver_configs: statuses.map(([uid, status, error]) => ({
          name: 'cryopilot-oncall',
          uid,
          status,
          ...(error ? { error } : {}),
        })),
      },
    ],
  });

  it('tests every receiver of cryopilot-oncall through Grafana; 0 when all delivered', async () => {
    requests.length = 0;
    testStatus = 200;
    testResult = result([
      ['cryopilot-ntfy', 'ok'],
      ['cryopilot-webhook', 'ok'],
    ]);
    const r = await testAlert({ ALERT_DESTINATIONS: 'ntfy,webhook' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('delivered: cryopilot-ntfy (webhook)');
    const post = requests.find((q) => q.method === 'POST')!;
    expect(post.auth).toBe(`Basic ${Buffer.from('admin:pw').toString('base64')}`);
    expect(post.body).toMatchObject({
      alert: { labels: { alertname: 'CryoPilot test alert', system: 'cryopilot' } },
      receivers: [
        {
          name: 'cryopilot-oncall',
          grafana_managed_receiver_configs: integrations.slice(0, 2).map((i) => ({
            uid: i.uid,
            type: i.type,
            settings: i.settings,
          })),
        },
      ],
    });
  });

  it('1 and the reason when a destination fails (HTTP 207)', async () => {
    testStatus = 207;
    testResult = result([
      ['cryopilot-ntfy', 'ok'],
      ['cryopilot-webhook', 'failed', 'dial tcp: lookup h: no such host'],
    ]);
    const r = await testAlert({ ALERT_DESTINATIONS: 'ntfy,webhook' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('FAILED:    cryopilot-webhook (webhook): dial tcp: lookup h');
  });

  it('2 and a loud message when no destination is set; Grafana is not even asked', async () => {
    requests.length = 0;
    const r = await testAlert({ ALERT_DESTINATIONS: 'none' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('NO ALERT DESTINATION IS SET');
    expect(requests).toEqual([]);
  });
});
