/** The embedded default: no broker URL → an aedes broker on the configured port. */
import { channelReadingSchema, mqttTelemetrySchema } from '@cryopilot/protocol';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmbeddedBrokerUsers } from '../../src/mqtt/link/embedded-broker-access';
import { MqttBridgeService } from '../../src/mqtt/mqtt-bridge.service';
import { freePort } from '../support/servers/local-server';
import { eventually, startTestApp, TestApp } from '../support/test-app';
import { MqttRecorder } from './support/mqtt-recorder';

/** The accounts the service generated in its data directory at the first start. */
function accountsOf(app: TestApp): EmbeddedBrokerUsers {
  return JSON.parse(
    readFileSync(join(app.dataDir, 'mqtt-embedded-users.json'), 'utf8'),
  ) as EmbeddedBrokerUsers;
}

const as = (account: { username: string; password: string }) => ({
  protocolVersion: 4 as const,
  username: account.username,
  password: account.password,
});

describe('embedded broker', () => {
  it('starts without a URL, and a client on its port sees the contract', async () => {
    const port = await freePort();
    const app = await startTestApp({ deviceId: 'embedded', mqtt: { embeddedPort: port } });
    // aedes speaks MQTT 3.1.1.
    const rec = await MqttRecorder.connect(
      `mqtt://127.0.0.1:${port}`,
      ['cryopilot/embedded/#'],
      as(accountsOf(app).service),
    );
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
      const res = await (await second.login('admin')).get('/api/health').expect(200);
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

  describe('access (the shipped Mosquitto ACL, enforced by the embedded broker)', () => {
    let app: TestApp;
    let url: string;
    const BASE = 'cryopilot/guarded';
    beforeAll(async () => {
      const port = await freePort();
      url = `mqtt://127.0.0.1:${port}`;
      app = await startTestApp({ deviceId: 'guarded', mqtt: { embeddedPort: port } });
      await eventually(() => Promise.resolve(app.app.get(MqttBridgeService).stats().connected));
    });
    afterAll(() => app.close());

    const refusal = (options: Record<string, unknown>) =>
      MqttRecorder.connect(url, [], { protocolVersion: 4, reconnectPeriod: 0, ...options }).then(
        async (rec) => {
          await rec.close();
          return 'connected';
        },
        (error: Error) => error.message,
      );

    it('keeps its accounts private (0600) and refuses anonymous and wrong passwords', async () => {
      const file = join(app.dataDir, 'mqtt-embedded-users.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(await refusal({})).toMatch(/Bad username or password/);
      expect(await refusal({ username: 'reader', password: 'guess' })).toMatch(
        /Bad username or password/,
      );
      expect(await refusal({ username: 'cryopilot' })).toMatch(/Bad username or password/);
    });

    it('refuses a retained command even from the service account (found by make attack)', async () => {
      // MQTT 3.1.1 clears the retain flag on live delivery: the service could not tell it apart.
      const { service } = accountsOf(app);
      const admin = await app.login('admin');
      const before = (await admin.get('/api/state').expect(200)).body as {
        valve: { mode: string };
      };
      const mode = before.valve.mode === 'auto' ? 'manual' : 'auto';
      const rec = await MqttRecorder.connect(url, [`${BASE}/cmd/result`], as(service));
      const attacker = await MqttRecorder.connect(url, [], {
        ...as(service),
        clientId: 'not-the-service',
        reconnectPeriod: 0,
      });
      const closed = new Promise<void>((resolve) => attacker.client.once('close', resolve));
      await attacker.publish(`${BASE}/cmd/mode.set`, JSON.stringify({ id: 'r1', args: { mode } }), {
        qos: 0,
        retain: true,
      });
      await closed; // refused: the broker ends the connection
      await attacker.close();
      await new Promise((r) => setTimeout(r, 500));
      expect(rec.on(`${BASE}/cmd/result`)).toHaveLength(0);
      await rec.close();
      const after = (await admin.get('/api/state').expect(200)).body as { valve: { mode: string } };
      expect(after.valve.mode).toBe(before.valve.mode);
    });

    it('a reader sees the contract but cannot command, forge states or discovery', async () => {
      const { reader } = accountsOf(app);
      const rec = await MqttRecorder.connect(url, [`${BASE}/#`, 'homeassistant/#'], as(reader));
      try {
        const state = await rec.waitFor((m) => m.topic === `${BASE}/valve/state` && m.retain);
        const discovery = await rec.waitFor((m) => m.topic.startsWith('homeassistant/'));
        const admin = await app.login('admin');
        const before = (await admin.get('/api/state').expect(200)).body as {
          valve: { mode: string };
        };
        const mode = before.valve.mode === 'auto' ? 'manual' : 'auto';
        // Each refused publish ends the reader's connection (MQTT 3.1.1 has no PUBACK error).
        const attempts: [string, string, boolean][] = [
          [`${BASE}/cmd/mode.set`, JSON.stringify({ id: 'x', args: { mode } }), false],
          [`${BASE}/cmd/valve.open`, JSON.stringify({ id: 'y', args: { durationS: 60 } }), false],
          [`${BASE}/valve/state`, '{"open":false,"forged":true}', true],
          [discovery.topic, '{"forged":true}', true],
          [`${BASE}/status`, 'offline', true],
        ];
        for (const [topic, payload, retain] of attempts) {
          const attacker = await MqttRecorder.connect(url, [], {
            ...as(reader),
            reconnectPeriod: 0,
          });
          const closed = new Promise<void>((resolve) => attacker.client.once('close', resolve));
          await attacker.publish(topic, payload, { qos: 0, retain });
          // The broker processed the publish when it closes the connection for it.
          await closed;
          await attacker.close();
        }
        // The service saw nothing: no result, same mode; a new subscriber gets the real states.
        expect(rec.on(`${BASE}/cmd/result`)).toHaveLength(0);
        const after = (await admin.get('/api/state').expect(200)).body as {
          valve: { mode: string };
        };
        expect(after.valve.mode).toBe(before.valve.mode);
        const fresh = await MqttRecorder.connect(
          url,
          [`${BASE}/valve/state`, `${BASE}/status`, discovery.topic],
          as(reader),
        );
        try {
          const retained = await fresh.waitFor((m) => m.topic === `${BASE}/valve/state`);
          expect(retained.text).not.toContain('forged');
          expect(JSON.parse(retained.text)).toMatchObject({ mode: JSON.parse(state.text).mode });
          const status = await fresh.waitFor((m) => m.topic === `${BASE}/status`);
          expect(status.text).toBe('online');
          const config = await fresh.waitFor((m) => m.topic === discovery.topic);
          expect(config.text).not.toContain('forged');
        } finally {
          await fresh.close();
        }
      } finally {
        await rec.close();
      }
    });

    it('a reader sees only the service topics, even when subscribed to everything', async () => {
      const { reader } = accountsOf(app);
      await expect(MqttRecorder.connect(url, ['$SYS/#'], as(reader))).rejects.toThrow(
        /Subscribe error/,
      );
      const rec = await MqttRecorder.connect(url, ['#'], as(reader));
      try {
        await rec.waitFor((m) => m.topic === `${BASE}/telemetry`);
        expect(
          rec.messages.filter(
            (m) => !m.topic.startsWith(`${BASE}/`) && !m.topic.startsWith('homeassistant/'),
          ),
        ).toEqual([]);
      } finally {
        await rec.close();
      }
    });

    it("nobody else may take the service's client id (it would receive its commands)", async () => {
      const { reader } = accountsOf(app);
      const clientId = app.app.get(MqttBridgeService).stats().clientId;
      expect(await refusal({ ...as(reader), clientId })).toMatch(/Identifier rejected/);
      // Still connected: the takeover never happened.
      expect(app.app.get(MqttBridgeService).stats().connected).toBe(true);
    });

    it('the service account commands (what integrations that must command use)', async () => {
      const rec = await MqttRecorder.connect(
        url,
        [`${BASE}/cmd/result`],
        as(accountsOf(app).service),
      );
      try {
        await rec.publish(
          `${BASE}/cmd/alarm.ack`,
          JSON.stringify({ id: 'svc-1', args: { alarmId: 'level_low' } }),
        );
        const result = await rec.waitFor((m) => m.topic === `${BASE}/cmd/result`);
        expect(JSON.parse(result.text)).toMatchObject({ id: 'svc-1' });
      } finally {
        await rec.close();
      }
    });

    it('keeps the accounts across restarts', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'cryopilot-accounts-'));
      try {
        const port = await freePort();
        const first = await startTestApp(
          { deviceId: 'kept', mqtt: { embeddedPort: port } },
          { dataDir },
        );
        const accounts = accountsOf(first);
        await first.close();
        const second = await startTestApp(
          { deviceId: 'kept', mqtt: { embeddedPort: port } },
          { dataDir },
        );
        try {
          expect(accountsOf(second)).toEqual(accounts);
          const rec = await MqttRecorder.connect(
            `mqtt://127.0.0.1:${port}`,
            [],
            as(accounts.reader),
          );
          await rec.close();
        } finally {
          await second.close();
        }
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
});
