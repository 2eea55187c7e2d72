import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, loadStartup } from './config.loader';
import { readSecretFile, resolveSecretFiles, SECRET_ENV } from './secret-files';

let dir: string;
let n = 0;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'cryopilot-secrets-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A file holding `text`; its path. */
function secretFile(text: string): string {
  const path = join(dir, `secret-${n++}`);
  writeFileSync(path, text);
  return path;
}

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

const PRODUCTION = {
  NODE_ENV: 'production',
  MQTT_URL: 'mqtt://mosquitto:1883',
  MQTT_USERNAME: 'cryopilot',
  INFLUX_URL: 'http://influxdb:8086',
};

describe('secrets from files (<NAME>_FILE)', () => {
  it('covers every secret the service reads from the environment', () => {
    expect(SECRET_ENV.map((s) => s.name)).toEqual([
      'ADMIN_PASSWORD',
      'MQTT_PASSWORD',
      'INFLUX_TOKEN',
    ]);
  });

  it.each([
    ['s3cret\n', 's3cret'],
    ['s3cret\r\n', 's3cret'],
    ['s3cret\n\n', 's3cret'],
    ['s3cret', 's3cret'],
    [' with spaces and $ & "quotes" \n', ' with spaces and $ & "quotes" '],
  ])('reads %j as %j (trailing line breaks trimmed, nothing else)', (text, secret) => {
    expect(readSecretFile(secretFile(text))).toBe(secret);
  });

  it.each(SECRET_ENV.map((s) => s.name))('%s_FILE gives %s', (name) => {
    const { env, problems } = resolveSecretFiles({ [`${name}_FILE`]: secretFile('from-file\n') });
    expect(problems).toEqual([]);
    expect(env[name]).toBe('from-file');
  });

  it.each(SECRET_ENV.map((s) => s.name))('%s and %s_FILE both set: a config error', (name) => {
    const { problems } = resolveSecretFiles({
      [name]: 'inline',
      [`${name}_FILE`]: secretFile('file'),
    });
    expect(problems).toEqual([`env ${name} and ${name}_FILE: both set; set only one of them`]);
  });

  it('an unreadable, a missing or an empty file is a clear config error naming the variable', () => {
    const unreadable = join(dir, 'a-directory');
    mkdirSync(unreadable);
    const { problems } = resolveSecretFiles({
      ADMIN_PASSWORD_FILE: unreadable,
      MQTT_PASSWORD_FILE: join(dir, 'nope'),
      INFLUX_TOKEN_FILE: secretFile('\n'),
    });
    expect(problems).toEqual([
      `env ADMIN_PASSWORD_FILE: cannot read ${unreadable} (EISDIR)`,
      `env MQTT_PASSWORD_FILE: cannot read ${join(dir, 'nope')} (ENOENT)`,
      expect.stringMatching(/^env INFLUX_TOKEN_FILE: .* is empty$/),
    ]);
  });

  it('the InfluxDB token file may appear later (written by InfluxDB’s first start): no error', () => {
    const path = join(dir, 'influx-token-not-yet');
    const { problems, env } = resolveSecretFiles({ INFLUX_TOKEN_FILE: path });
    expect(problems).toEqual([]);
    expect(env.INFLUX_TOKEN).toBeUndefined();
    const config = loadConfig({
      ...PRODUCTION,
      ADMIN_PASSWORD: 'a',
      MQTT_PASSWORD: 'm',
      INFLUX_TOKEN_FILE: path,
    });
    expect(config.telemetry).toMatchObject({ tokenFile: path });
    expect(config.telemetry.token).toBeUndefined();
  });

  it('the loader lists file problems together with every other problem', () => {
    expect(
      problemsOf({
        HTTP_PORT: 'eighty',
        MQTT_PASSWORD: 'x',
        MQTT_PASSWORD_FILE: secretFile('y'),
        ADMIN_PASSWORD_FILE: join(dir, 'missing'),
      }),
    ).toEqual([
      `env ADMIN_PASSWORD_FILE: cannot read ${join(dir, 'missing')} (ENOENT)`,
      'env MQTT_PASSWORD and MQTT_PASSWORD_FILE: both set; set only one of them',
      'env HTTP_PORT: must be an integer (got "eighty")',
    ]);
  });

  it('production: files satisfy the required secrets, and reach the config and the admin user', () => {
    const token = secretFile('write-only-token\n');
    const startup = loadStartup({
      ...PRODUCTION,
      ADMIN_PASSWORD_FILE: secretFile('admin-pw\n'),
      MQTT_PASSWORD_FILE: secretFile('mqtt-pw\n'),
      INFLUX_TOKEN_FILE: token,
    });
    expect(startup.adminPassword).toBe('admin-pw');
    expect(startup.config.mqtt.password).toBe('mqtt-pw');
    expect(startup.config.telemetry).toMatchObject({ token: 'write-only-token', tokenFile: token });
  });

  it('production: without either form the secret is still required', () => {
    expect(problemsOf({ ...PRODUCTION })).toEqual([
      expect.stringMatching(/^env ADMIN_PASSWORD: required in production/),
      expect.stringMatching(/^env MQTT_PASSWORD: required in production/),
      expect.stringMatching(/^env INFLUX_TOKEN: required in production/),
    ]);
  });

  it('the admin password from the environment still works', () => {
    expect(loadStartup({ ADMIN_PASSWORD: 'inline' }).adminPassword).toBe('inline');
    expect(loadStartup({}).adminPassword).toBeUndefined();
  });
});
