/**
 * The MQTT contract of design/interfaces.md against a real Mosquitto: every topic, retained
 * flags, payloads validated by the shared protocol schemas, commands and results, Home
 * Assistant discovery.
 */
import {
  alarmEventSchema,
  alarmSchema,
  auditRecordSchema,
  channelReadingSchema,
  commandResultSchema,
  mqttTelemetrySchema,
  valveStateSchema,
  type AuditRecord,
} from '@cryopilot/protocol';
import type TestAgent from 'supertest/lib/agent';
import { z } from 'zod';
import { startMosquitto, TestBroker } from '../support/servers/mosquitto';
import { eventually, startTestApp, TestApp } from '../support/test-app';
import { MqttRecorder, Received } from './support/mqtt-recorder';

const BASE = 'cryopilot/contract';
const CHANNELS = ['o2_1', 'o2_2', 'ln2_level'];
let broker: TestBroker;
let app: TestApp;
let rec: MqttRecorder;
let admin: TestAgent;

beforeAll(async () => {
  broker = await startMosquitto();
  rec = await MqttRecorder.connect(broker.url, ['cryopilot/#', 'homeassistant/#']);
  app = await startTestApp({ deviceId: 'contract', mqtt: { url: broker.url, keepaliveS: 5 } });
  admin = await app.login('admin');
  await rec.waitFor((m) => m.topic === `${BASE}/telemetry`);
});

afterAll(async () => {
  await app?.close();
  await rec?.close();
  await broker?.close();
});

const parse = (m: Received): unknown => JSON.parse(m.text);

describe('topics and payloads', () => {
  it('publishes telemetry every sample, not retained, with consecutive seq', async () => {
    const start = rec.on(`${BASE}/telemetry`).length;
    await eventually(() => Promise.resolve(rec.on(`${BASE}/telemetry`).length >= start + 30));
    const messages = rec.on(`${BASE}/telemetry`);
    expect(messages.every((m) => !m.retain)).toBe(true);
    // By seq: the samples taken before the first connection come from the outbox, replayed
    // beside the live stream (store-and-forward.ts), so they may arrive after the first live
    // ones; seq is how a consumer orders and checks the stream.
    const samples = messages
      .map((m) => mqttTelemetrySchema.parse(parse(m)))
      .sort((a, b) => a.seq - b.seq);
    for (let i = 1; i < samples.length; i += 1) {
      expect(samples[i].seq).toBe(samples[i - 1].seq + 1);
      expect(Date.parse(samples[i].ts)).toBeGreaterThan(Date.parse(samples[i - 1].ts));
    }
    expect(Object.keys(samples[0].channels).sort()).toEqual([...CHANNELS].sort());
    expect(Object.keys(samples[0].quality).sort()).toEqual([...CHANNELS].sort());
  });

  it('keeps status, channel, valve and alarm states retained for late subscribers', async () => {
    const late = await MqttRecorder.connect(broker.url, [`${BASE}/#`]);
    try {
      await eventually(() =>
        Promise.resolve(late.messages.filter((m) => m.retain).length >= CHANNELS.length + 3),
      );
      const retained = new Map(late.messages.filter((m) => m.retain).map((m) => [m.topic, m]));
      expect(retained.get(`${BASE}/status`)?.text).toBe('online');
      for (const id of CHANNELS) {
        const reading = channelReadingSchema.parse(
          parse(retained.get(`${BASE}/channels/${id}/state`)!),
        );
        expect(reading.id).toBe(id);
      }
      valveStateSchema.parse(parse(retained.get(`${BASE}/valve/state`)!));
      z.array(alarmSchema).parse(parse(retained.get(`${BASE}/alarms/state`)!));
      // Streams are never retained.
      expect(retained.has(`${BASE}/telemetry`)).toBe(false);
      expect(retained.has(`${BASE}/alarms/events`)).toBe(false);
    } finally {
      await late.close();
    }
  });

  it('publishes retained states on change, not every sample', async () => {
    const t0 = rec.messages.length;
    await new Promise((r) => setTimeout(r, 3000));
    const window = rec.messages.slice(t0);
    const samples = window.filter((m) => m.topic === `${BASE}/telemetry`).length;
    const channelStates = window.filter((m) => m.topic === `${BASE}/channels/o2_1/state`).length;
    const valveStates = window.filter((m) => m.topic === `${BASE}/valve/state`).length;
    expect(samples).toBeGreaterThan(15);
    expect(channelStates).toBeLessThan(samples / 3);
    expect(valveStates).toBeLessThan(samples / 3);
  });

  it('publishes alarm transitions on alarms/events and the alarm list on alarms/state', async () => {
    const since = rec.messages.length;
    await admin
      .post('/api/sim/fault')
      .send({ channel: 'ln2_level', fault: 'open-circuit' })
      .expect(200);
    const event = await rec.waitFor(
      (m) => m.topic === `${BASE}/alarms/events` && m.text.includes('level_sensor_fault'),
      10_000,
      since,
    );
    expect(event.retain).toBe(false);
    const parsed = alarmEventSchema.parse(parse(event));
    expect(parsed.alarm).toMatchObject({ id: 'level_sensor_fault', state: 'active-unacked' });
    const list = await rec.waitFor(
      (m) => m.topic === `${BASE}/alarms/state` && m.text.includes('level_sensor_fault'),
      10_000,
      since,
    );
    expect(
      z
        .array(alarmSchema)
        .parse(parse(list))
        .map((a) => a.id),
    ).toContain('level_sensor_fault');
    const reading = await rec.waitFor(
      (m) => m.topic === `${BASE}/channels/ln2_level/state` && m.text.includes('"bad"'),
      10_000,
      since,
    );
    expect(channelReadingSchema.parse(parse(reading))).toMatchObject({
      quality: 'bad',
      value: null,
    });
    await admin.post('/api/sim/fault').send({ fault: 'none' }).expect(200);
  });

  it('shows the whole contract on a cryopilot/# subscription', () => {
    const topics = new Set(
      rec.messages.filter((m) => m.topic.startsWith(BASE)).map((m) => m.topic),
    );
    expect([...topics].sort()).toEqual(
      [
        `${BASE}/status`,
        `${BASE}/telemetry`,
        `${BASE}/valve/state`,
        `${BASE}/alarms/state`,
        `${BASE}/alarms/events`,
        ...CHANNELS.map((id) => `${BASE}/channels/${id}/state`),
      ].sort(),
    );
  });
});

describe('commands', () => {
  it('runs a command from cmd/<name> and answers on cmd/result, audited with source mqtt', async () => {
    const since = rec.messages.length;
    await rec.publish(
      `${BASE}/cmd/mode.set`,
      JSON.stringify({ id: 'm-1', args: { mode: 'manual' }, user: 'alice' }),
    );
    const result = await rec.waitFor(
      (m) => m.topic === `${BASE}/cmd/result` && m.text.includes('"m-1"'),
      10_000,
      since,
    );
    expect(result.retain).toBe(false);
    expect(commandResultSchema.parse(parse(result))).toMatchObject({ id: 'm-1', ok: true });
    await rec.waitFor(
      (m) => m.topic === `${BASE}/valve/state` && m.text.includes('"mode":"manual"'),
      10_000,
      since,
    );
    const audit = (await admin.get('/api/audit?limit=50').expect(200)).body as AuditRecord[];
    const record = audit.map((r) => auditRecordSchema.parse(r)).find((r) => r.id === 'm-1');
    expect(record).toMatchObject({
      source: 'mqtt',
      user: 'mqtt:alice',
      role: 'operator',
      ok: true,
    });
  });

  it('acts with the configured role: the payload user grants nothing', async () => {
    const since = rec.messages.length;
    await rec.publish(
      `${BASE}/cmd/setpoints.set`,
      JSON.stringify({ id: 's-1', args: { fillStopPct: 70 }, user: 'admin' }),
    );
    const result = await rec.waitFor(
      (m) => m.topic === `${BASE}/cmd/result` && m.text.includes('"s-1"'),
      10_000,
      since,
    );
    expect(parse(result)).toMatchObject({ id: 's-1', ok: false, error: { code: 'forbidden' } });
  });

  it('answers on the MQTT 5 response topic with the correlation data', async () => {
    const replies = await MqttRecorder.connect(broker.url, ['replies/contract']);
    try {
      await replies.publish(
        `${BASE}/cmd/mode.set`,
        JSON.stringify({ id: 'r-1', args: { mode: 'auto' } }),
        {
          properties: {
            responseTopic: 'replies/contract',
            correlationData: Buffer.from('corr-42'),
          },
        },
      );
      const reply = await replies.waitFor((m) => m.topic === 'replies/contract');
      expect(parse(reply)).toMatchObject({ id: 'r-1', ok: true });
      expect(Buffer.from(reply.properties!.correlationData!).toString()).toBe('corr-42');
    } finally {
      await replies.close();
    }
  });

  it('never publishes a result on a response topic inside its own topics', async () => {
    const since = rec.messages.length;
    await rec.publish(
      `${BASE}/cmd/mode.set`,
      JSON.stringify({ id: 'r-2', args: { mode: 'auto' } }),
      {
        properties: { responseTopic: `${BASE}/status` },
      },
    );
    await rec.waitFor(
      (m) => m.topic === `${BASE}/cmd/result` && m.text.includes('"r-2"'),
      10_000,
      since,
    );
    const statusAfter = rec.messages.slice(since).filter((m) => m.topic === `${BASE}/status`);
    expect(statusAfter).toEqual([]);
  });
});

describe('link state', () => {
  it('reports the link as connected in /api/health and /api/state', async () => {
    const health = (await app.anonymous().get('/api/health')).body as {
      checks: { mqtt: { status: string } };
    };
    expect(health.checks.mqtt.status).toBe('ok');
    const snapshot = (await admin.get('/api/state').expect(200)).body as {
      links: { mqtt: { state: string; detail: string } };
    };
    expect(snapshot.links.mqtt.state).toBe('connected');
    expect(snapshot.links.mqtt.detail).toContain(broker.url);
  });
});
