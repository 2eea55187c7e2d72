import { MqttConnectOptions } from './mqtt-connection';
import { MqttJsConnector } from './mqtt-js-connector';

const options = (over: Partial<MqttConnectOptions> = {}): MqttConnectOptions => ({
  url: 'mqtts://127.0.0.1:1',
  clientId: 'connector-test',
  protocolVersion: 5,
  keepaliveS: 5,
  sessionExpiryS: 60,
  connectTimeoutMs: 100,
  will: { topic: 't/status', payload: 'offline', retain: true },
  ...over,
});

describe('MqttJsConnector', () => {
  afterEach(() => jest.useRealTimers());

  it('fails the attempt on malformed TLS material, and leaves no timer that throws later', async () => {
    jest.useFakeTimers();
    const attempt = new MqttJsConnector().connect(
      options({
        tls: {
          key: Buffer.from('-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n'),
          cert: Buffer.from('not a certificate'),
          rejectUnauthorized: true,
        },
      }),
    );
    await expect(attempt).rejects.toThrow();
    // The connect-timeout timer of the failed attempt must be gone: once, it fired after the
    // rejection and threw from `client.end()` (an uncaught exception: exit 70, every ~11 s).
    expect(() => jest.advanceTimersByTime(10_000)).not.toThrow();
    expect(jest.getTimerCount()).toBe(0);
  });
});
