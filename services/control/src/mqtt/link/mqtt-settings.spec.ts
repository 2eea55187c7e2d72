import { appConfigSchema } from '../../config/config.schema';
import { connectOptionsFor, resolveMqttSettings, withoutCredentials } from './mqtt-settings';

const config = (mqtt: Record<string, unknown> = {}) =>
  appConfigSchema().parse({ deviceId: 'pi1', dataDir: '/data', mqtt });

describe('resolveMqttSettings', () => {
  it('defaults to the embedded broker over MQTT 3.1.1 (aedes has no MQTT 5)', () => {
    const s = resolveMqttSettings(config());
    expect(s.embedded).toEqual({
      host: '127.0.0.1',
      port: 1883,
      usersFile: '/data/mqtt-embedded-users.json',
    });
    expect(s.url).toBe('mqtt://127.0.0.1:1883');
    expect(s.protocolVersion).toBe(4);
    expect(s.clientId).toBe('cryopilot-pi1');
    expect(s.baseTopic).toBe('cryopilot/pi1');
    expect(s.outbox).toEqual({
      dir: '/data/outbox/mqtt',
      maxBytes: 64 * 2 ** 20,
      replayPerSecond: 200,
    });
    expect(s.commandMaxAgeMs).toBe(10_000);
  });

  it('reaches an embedded broker bound to every interface through loopback', () => {
    expect(resolveMqttSettings(config({ embeddedHost: '0.0.0.0', embeddedPort: 2883 })).url).toBe(
      'mqtt://127.0.0.1:2883',
    );
  });

  it('uses a configured broker as is, MQTT 5 by default, and never starts an embedded one', () => {
    const s = resolveMqttSettings(
      config({ url: 'mqtts://svc:secret@broker:8883', clientId: 'fixed', baseTopic: 'site/ln2' }),
    );
    expect(s.embedded).toBeNull();
    expect(s.protocolVersion).toBe(5);
    expect(s.clientId).toBe('fixed');
    expect(s.baseTopic).toBe('site/ln2');
    expect(s.displayUrl).toBe('mqtts://broker:8883');
  });

  it('never shows credentials in the display URL', () => {
    expect(withoutCredentials('mqtt://u:p@h:1883')).toBe('mqtt://h:1883');
    expect(withoutCredentials('not a url')).not.toContain('url');
  });
});

describe('connectOptionsFor TLS files', () => {
  const settings = resolveMqttSettings(
    config({ url: 'mqtts://broker:8883', tls: { cert: '/tls/c.pem', key: '/tls/k.pem' } }),
  );
  const files: Record<string, string> = {
    '/tls/c.pem': 'not a certificate',
    '/tls/k.pem': '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n',
  };

  it('refuses malformed TLS material with the files named (the link retries and reports it)', () => {
    expect(() =>
      connectOptionsFor(settings, 'cryopilot/pi1/status', 1000, (path) => Buffer.from(files[path])),
    ).toThrow(/TLS files unusable \(\/tls\/c\.pem, \/tls\/k\.pem\)/);
  });
});
