/** The embedded default: no broker URL → an aedes broker on the configured port. */
import { channelReadingSchema, mqttTelemetrySchema } from '@cryopilot/protocol';
import { MqttBridgeService } from '../../src/mqtt/mqtt-bridge.service';
import { freePort } from '../support/servers/local-server';
import { eventually, startTestApp } from '../support/test-app';
import { MqttRecorder } from './support/mqtt-recorder';

describe('embedded broker', () => {
  it('starts without a URL, and a client on its port sees the contract', async () => {
    const port = await freePort();
    const app = await startTestApp({ deviceId: 'embedded', mqtt: { embeddedPort: port } });
    // aedes speaks MQTT 3.1.1.
    const rec = await MqttRecorder.connect(`mqtt://127.0.0.1:${port}`, ['cryopilot/embedded/#'], {
      protocolVersion: 4,
    });
    try {
      const BASE = 'cryopilot/embedded';
      const status = await rec.waitFor((m) => m.topic === `${BASE}/status`);
      expect(status).toMatchObject({ text: 'online', retain: true });
      const level = await rec.waitFor((m) => m.topic === `${BASE}/channels/ln2_level/state`);
      channelReadingSchema.parse(JSON.parse(level.text));
      const sample = await rec.waitFor((m) => m.topic === `${BASE}/telemetry`);
      mqttTelemetrySchema.parse(JSON.parse(sample.text));
      await rec.publish(
        `${BASE}/cmd/mode.set`,
        JSON.stringify({ id: 'e-1', args: { mode: 'auto' } }),
      );
      const result = await rec.waitFor((m) => m.topic === `${BASE}/cmd/result`);
      expect(JSON.parse(result.text)).toMatchObject({ id: 'e-1', ok: true });
      expect(app.app.get(MqttBridgeService).stats().url).toBe(`mqtt://127.0.0.1:${port}`);
    } finally {
      await rec.close();
      await app.close();
    }
    // Closed with the service: the port is free again.
    const again = await startTestApp({ deviceId: 'embedded', mqtt: { embeddedPort: port } });
    try {
      await eventually(() => Promise.resolve(again.app.get(MqttBridgeService).stats().connected));
    } finally {
      await again.close();
    }
  });

  it('a port already in use leaves MQTT down with the reason, and the service running', async () => {
    const port = await freePort();
    const first = await startTestApp({ deviceId: 'embedded-a', mqtt: { embeddedPort: port } });
    const second = await startTestApp({ deviceId: 'embedded-b', mqtt: { embeddedPort: port } });
    try {
      const res = await second.anonymous().get('/api/health').expect(200);
      const mqtt = (res.body as { checks: { mqtt: { status: string; detail: string } } }).checks
        .mqtt;
      expect(mqtt.status).toBe('degraded');
      expect(mqtt.detail).toMatch(/embedded broker could not listen.*EADDRINUSE/);
      expect(second.app.get(MqttBridgeService).stats().connected).toBe(false);
    } finally {
      await second.close();
      await first.close();
    }
  });

  it('is not started when a URL is configured', async () => {
    const port = await freePort();
    const app = await startTestApp({
      deviceId: 'no-embedded',
      mqtt: { url: `mqtt://127.0.0.1:${await freePort()}`, embeddedPort: port },
    });
    try {
      await expect(
        MqttRecorder.connect(`mqtt://127.0.0.1:${port}`, [], {
          reconnectPeriod: 0,
          connectTimeout: 2000,
        }),
      ).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await app.close();
    }
  });
});
