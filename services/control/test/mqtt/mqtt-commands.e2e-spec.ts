/**
 * Commands over MQTT against a real Mosquitto: thousands of malformed payloads (one error
 * result each, nothing changes, the service stays up) and stale commands that must never
 * act late (old `ts`, a command published while the service was offline, a retained one).
 */
import { COMMAND_ERROR_CODES, type AuditRecord, type StateSnapshot } from '@cryopilot/protocol';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MqttBridgeService } from '../../src/mqtt/mqtt-bridge.service';
import { startMosquitto, TestBroker } from '../support/servers/mosquitto';
import { eventually, startTestApp, TestApp } from '../support/test-app';
import { fuzzCase, lcg } from './support/fuzz-cases';
import { MqttRecorder, Received } from './support/mqtt-recorder';

jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A level that neither fills nor drains: the valve has no reason of its own to move. */
const STILL_PLANT = { initialLevelPct: 60, drainPctPerMin: 0 };

let broker: TestBroker;

beforeAll(async () => {
  broker = await startMosquitto();
});

afterAll(async () => {
  await broker?.close();
});

async function state(app: TestApp): Promise<StateSnapshot> {
  const admin = await app.login('admin');
  return (await admin.get('/api/state').expect(200)).body as StateSnapshot;
}

describe('bad input fuzz', () => {
  let app: TestApp;
  afterAll(() => app?.close());

  it('answers thousands of malformed commands with exactly one error each; the valve never moves', async () => {
    const BASE = 'cryopilot/fuzz';
    app = await startTestApp({
      deviceId: 'fuzz',
      simulator: STILL_PLANT,
      mqtt: { url: broker.url },
    });
    const bridge = app.app.get(MqttBridgeService);
    await eventually(() => Promise.resolve(bridge.stats().connected));
    const watcher = await MqttRecorder.connect(broker.url, [
      `${BASE}/valve/state`,
      `${BASE}/cmd/result`,
    ]);
    const client = await MqttRecorder.connect(broker.url, ['fuzz/replies']);
    const before = await state(app);
    expect(before.valve.open).toBe(false);
    const N = 3000;
    const random = lcg(20_240_601);
    const cases = Array.from({ length: N }, (_, i) => fuzzCase(i, random));
    const started = Date.now();
    // In bursts of 250, each waiting for its answers: a fast sender, below the flood limit
    // (beyond it commands are refused at once, also with one answer each).
    const BURST = 250;
    for (let from = 0; from < N; from += BURST) {
      await Promise.all(
        cases.slice(from, from + BURST).map(([name, payload], k) => {
          const correlationData = Buffer.alloc(4);
          correlationData.writeUInt32BE(from + k);
          return client.publish(`${BASE}/cmd/${name}`, payload, {
            properties: { responseTopic: 'fuzz/replies', correlationData },
          });
        }),
      );
      const expected = Math.min(from + BURST, N);
      await eventually(() => Promise.resolve(client.on('fuzz/replies').length >= expected), 30_000);
    }
    await eventually(() => Promise.resolve(client.on('fuzz/replies').length >= N), 90_000);
    const elapsedS = (Date.now() - started) / 1000;
    await sleep(1000); // anything beyond N would be a second answer

    const replies = client.on('fuzz/replies');
    const byCase = new Map<number, Received[]>();
    for (const r of replies) {
      const i = Buffer.from(r.properties!.correlationData!).readUInt32BE(0);
      byCase.set(i, [...(byCase.get(i) ?? []), r]);
    }
    const unexpected: string[] = [];
    for (let i = 0; i < N; i += 1) {
      const answers = byCase.get(i) ?? [];
      const result =
        answers.length === 1
          ? (JSON.parse(answers[0].text) as { ok: boolean; error?: { code: string } })
          : null;
      if (!result || result.ok || !cases[i][2].includes(result.error!.code)) {
        unexpected.push(
          `#${i} ${cases[i][0]}: ${answers.length} answer(s) ${answers[0]?.text.slice(0, 120)}`,
        );
      }
    }
    const codes = replies.map(
      (r) => (JSON.parse(r.text) as { error: { code: string } }).error.code,
    );
    const histogram = Object.fromEntries(
      COMMAND_ERROR_CODES.map((c) => [c, codes.filter((x) => x === c).length]),
    );
    console.log(
      `fuzz: ${N} commands answered in ${elapsedS.toFixed(1)} s: ${JSON.stringify(histogram)}`,
    );
    expect(unexpected).toEqual([]);
    expect(replies).toHaveLength(N);
    // The same answers went to cmd/result (one each).
    await eventually(() => Promise.resolve(watcher.on(`${BASE}/cmd/result`).length >= N), 20_000);
    expect(watcher.on(`${BASE}/cmd/result`)).toHaveLength(N);
    // Nothing changed: the valve never opened, the mode is still auto, the service is healthy.
    expect(
      watcher
        .json<{ open: boolean; mode: string }>(`${BASE}/valve/state`)
        .every((v) => !v.open && v.mode === 'auto'),
    ).toBe(true);
    const after = await state(app);
    expect(after.valve).toMatchObject({ open: false, mode: 'auto' });
    expect(after.setpoints).toEqual(before.setpoints);
    const health = (await app.anonymous().get('/api/health').expect(200)).body as {
      checks: { mqtt: { status: string } };
    };
    expect(health.checks.mqtt.status).toBe('ok');
    await watcher.close();
    await client.close();
  });
});

describe('stale commands never act late', () => {
  it('refuses a command whose ts is older than commandMaxAgeS, and accepts a recent one', async () => {
    const BASE = 'cryopilot/expiry';
    const app = await startTestApp({
      deviceId: 'expiry',
      simulator: STILL_PLANT,
      mqtt: { url: broker.url, commandMaxAgeS: 10 },
    });
    const rec = await MqttRecorder.connect(broker.url, [`${BASE}/cmd/result`]);
    try {
      await eventually(() => Promise.resolve(app.app.get(MqttBridgeService).stats().connected));
      const ago = (s: number) => new Date(Date.now() - s * 1000).toISOString();
      await rec.publish(
        `${BASE}/cmd/mode.set`,
        JSON.stringify({ id: 'old', args: { mode: 'manual' }, ts: ago(60) }),
      );
      const old = await rec.waitFor((m) => m.text.includes('"old"'));
      expect(JSON.parse(old.text)).toMatchObject({ ok: false, error: { code: 'expired' } });
      expect((await state(app)).mode).toBe('auto');
      // 7 s old: beyond the HTTP default (5 s) but inside this transport's 10 s.
      await rec.publish(
        `${BASE}/cmd/mode.set`,
        JSON.stringify({ id: 'recent', args: { mode: 'manual' }, ts: ago(7) }),
      );
      const recent = await rec.waitFor((m) => m.text.includes('"recent"'));
      expect(JSON.parse(recent.text)).toMatchObject({ ok: true });
    } finally {
      await rec.close();
      await app.close();
    }
  });

  it('never receives a command published while it was offline (QoS 0 subscription, no broker queue)', async () => {
    const BASE = 'cryopilot/queued';
    const dataDir = mkdtempSync(join(tmpdir(), 'cryopilot-mqtt-queued-'));
    const config = { deviceId: 'queued', simulator: STILL_PLANT, mqtt: { url: broker.url } };
    const rec = await MqttRecorder.connect(broker.url, [`${BASE}/cmd/result`]);
    let app = await startTestApp(config, { dataDir });
    try {
      await eventually(() => Promise.resolve(app.app.get(MqttBridgeService).stats().connected));
      await app.close();
      // The service's persistent session (same client id) is kept by the broker meanwhile.
      await rec.publish(
        `${BASE}/cmd/mode.set`,
        JSON.stringify({ id: 'queued-1', args: { mode: 'manual' } }),
        { qos: 1 },
      );
      await sleep(500);
      app = await startTestApp(config, { dataDir });
      const admin = await app.login('admin');
      await eventually(async () => {
        const s = (await admin.get('/api/state').expect(200)).body as StateSnapshot;
        return (
          s.links.mqtt.state === 'connected' && s.links.mqtt.detail?.includes('session resumed')
        );
      });
      await sleep(2000);
      expect(rec.messages.filter((m) => m.text.includes('queued-1'))).toEqual([]);
      expect((await state(app)).mode).toBe('auto');
      const audit = (await admin.get('/api/audit?limit=100').expect(200)).body as AuditRecord[];
      expect(audit.filter((r) => r.id === 'queued-1')).toEqual([]);
    } finally {
      await rec.close();
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a command published retained while the service is connected (MQTT 5)', async () => {
    const BASE = 'cryopilot/retained-live';
    const app = await startTestApp({
      deviceId: 'retained-live',
      simulator: STILL_PLANT,
      mqtt: { url: broker.url },
    });
    const rec = await MqttRecorder.connect(broker.url, [`${BASE}/cmd/result`]);
    try {
      await eventually(() => Promise.resolve(app.app.get(MqttBridgeService).stats().connected));
      await rec.publish(
        `${BASE}/cmd/mode.set`,
        JSON.stringify({ id: 'live-ret', args: { mode: 'manual' }, ts: new Date().toISOString() }),
        { retain: true, qos: 1 },
      );
      const result = await rec.waitFor((m) => m.text.includes('"live-ret"'));
      expect(JSON.parse(result.text)).toMatchObject({ ok: false, error: { code: 'expired' } });
      expect((await state(app)).mode).toBe('auto');
    } finally {
      await rec.publish(`${BASE}/cmd/mode.set`, '', { retain: true });
      await rec.close();
      await app.close();
    }
  });

  it('refuses a retained command replayed at subscription (MQTT 3.1.1) with expired', async () => {
    const BASE = 'cryopilot/retained';
    const rec = await MqttRecorder.connect(broker.url, [`${BASE}/cmd/result`]);
    await rec.publish(
      `${BASE}/cmd/mode.set`,
      JSON.stringify({ id: 'ret-1', args: { mode: 'manual' } }),
      { retain: true },
    );
    const app = await startTestApp({
      deviceId: 'retained',
      simulator: STILL_PLANT,
      mqtt: { url: broker.url, protocolVersion: 4 },
    });
    try {
      const result = await rec.waitFor((m) => m.text.includes('"ret-1"'));
      expect(JSON.parse(result.text)).toMatchObject({ ok: false, error: { code: 'expired' } });
      expect((await state(app)).mode).toBe('auto');
    } finally {
      await rec.publish(`${BASE}/cmd/mode.set`, '', { retain: true });
      await rec.close();
      await app.close();
    }
  });
});
