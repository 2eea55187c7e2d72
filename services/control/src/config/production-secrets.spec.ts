import { ConfigError, loadConfig } from './config.loader';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

const LINKS = {
  MQTT_URL: 'mqtt://mosquitto:1883',
  INFLUX_URL: 'http://influxdb:8086',
};

describe('production secrets', () => {
  it('refuses to start in production with missing secrets, listing all of them at once', () => {
    const problems = problemsOf({ NODE_ENV: 'production', ...LINKS });
    expect(problems).toEqual([
      expect.stringMatching(/^env ADMIN_PASSWORD: required in production .*make setup/),
      expect.stringMatching(/^env MQTT_USERNAME: required in production/),
      expect.stringMatching(/^env MQTT_PASSWORD: required in production/),
      expect.stringMatching(/^env INFLUX_TOKEN: required in production/),
    ]);
  });

  it('reports missing secrets together with other configuration problems', () => {
    const problems = problemsOf({ NODE_ENV: 'production', HTTP_PORT: 'eighty' });
    expect(problems).toEqual([
      expect.stringContaining('env HTTP_PORT: must be an integer'),
      expect.stringContaining('env ADMIN_PASSWORD: required in production'),
    ]);
  });

  it('starts in production when every secret of the configured links is there', () => {
    const env = {
      NODE_ENV: 'production',
      ...LINKS,
      ADMIN_PASSWORD: 'a-generated-password',
      MQTT_USERNAME: 'cryopilot',
      MQTT_PASSWORD: 'another-secret',
      INFLUX_TOKEN: 'a-token',
    };
    expect(problemsOf(env)).toEqual([]);
  });

  it('asks only for the secrets of configured links', () => {
    expect(problemsOf({ NODE_ENV: 'production', ADMIN_PASSWORD: 'a-generated-password' })).toEqual(
      [],
    );
  });

  it('keeps the embedded defaults outside production (generated admin password, no links)', () => {
    expect(problemsOf({ ...LINKS })).toEqual([]);
  });
});
