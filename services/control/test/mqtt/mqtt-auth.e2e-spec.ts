/** Authentication against a real Mosquitto with a password file and an ACL. */
import { connectAsync } from 'mqtt';
import { MqttBridgeService } from '../../src/mqtt/mqtt-bridge.service';
import { startMosquitto, TestBroker } from '../support/servers/mosquitto';
import { eventually, startTestApp } from '../support/test-app';
import { MqttRecorder } from './support/mqtt-recorder';

const SERVICE = { username: 'cryopilot', password: 'service-secret-1' };
const READER = { username: 'reader', password: 'reader-secret-1' };
let broker: TestBroker;

beforeAll(async () => {
  broker = await startMosquitto({
    users: { [SERVICE.username]: SERVICE.password, [READER.username]: READER.password },
    acl: [
      `user ${SERVICE.username}`,
      'topic readwrite cryopilot/#',
      'topic readwrite homeassistant/#',
      `user ${READER.username}`,
      'topic read cryopilot/#',
      '',
    ].join('\n'),
  });
});

afterAll(async () => {
  await broker?.close();
});

/** The CONNACK refusal, as mqtt.js reports it. */
async function refusal(options: { username?: string; password?: string }): Promise<string> {
  try {
    const client = await connectAsync(broker.url, {
      ...options,
      protocolVersion: 5,
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });
    await client.endAsync(true);
    return 'accepted';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

describe('a broker with a password file', () => {
  it('refuses anonymous clients and wrong passwords', async () => {
    expect(await refusal({})).toMatch(/not authori[sz]ed|bad user ?name or password/i);
    expect(await refusal({ username: SERVICE.username, password: 'wrong' })).toMatch(
      /not authori[sz]ed|bad user ?name or password/i,
    );
    expect(await refusal(READER)).toBe('accepted');
  });

  it('accepts the service with its credentials; an authorised reader sees its topics', async () => {
    const reader = await MqttRecorder.connect(broker.url, ['cryopilot/auth/#'], READER);
    const app = await startTestApp({ deviceId: 'auth', mqtt: { url: broker.url, ...SERVICE } });
    try {
      await eventually(() => Promise.resolve(app.app.get(MqttBridgeService).stats().connected));
      await reader.waitFor((m) => m.topic === 'cryopilot/auth/status' && m.text === 'online');
      await reader.waitFor((m) => m.topic === 'cryopilot/auth/telemetry');
    } finally {
      await app.close();
      await reader.close();
    }
  });

  it('with a wrong password the service keeps running, says why and keeps retrying', async () => {
    const app = await startTestApp({
      deviceId: 'auth-bad',
      mqtt: { url: broker.url, username: SERVICE.username, password: 'not-the-password' },
    });
    try {
      const signedIn = await app.login('admin');
      const health = await eventually(async () => {
        const res = await signedIn.get('/api/health');
        const body = res.body as { checks: { mqtt: { status: string; detail?: string } } };
        return body.checks.mqtt.detail?.match(/authori[sz]ed|password/i) ? res : undefined;
      });
      const body = health.body as { checks: Record<string, { status: string; detail?: string }> };
      expect(health.status).toBe(200); // MQTT is reporting only: control and hardware are fine
      expect(body.checks.mqtt.status).toBe('degraded');
      expect(body.checks.controlLoop.status).toBe('ok');
      expect(body.checks.mqtt.detail).not.toContain('not-the-password');
      // The password never appears in the link detail; the service retries with backoff.
      const admin = await app.login('admin');
      const diagnostics = JSON.stringify((await admin.get('/api/diagnostics').expect(200)).body);
      expect(diagnostics).not.toContain('not-the-password');
    } finally {
      await app.close();
    }
  });
});
