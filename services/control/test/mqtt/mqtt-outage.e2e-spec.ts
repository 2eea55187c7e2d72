/**
 * Store-and-forward against a real Mosquitto: broker restarts and network loss in the middle
 * of a 10 samples/s stream, and a service restart during a broker outage. Every `seq` must
 * arrive (at least once), with its original timestamp, and memory must stay bounded.
 */
import { mqttTelemetrySchema, type MqttTelemetry, type StateSnapshot } from '@cryopilot/protocol';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MqttBridgeService } from '../../src/mqtt/mqtt-bridge.service';
import type { StreamRecord } from '../../src/mqtt/publishing/mqtt-payloads';
import { DiskOutbox } from '../../src/delivery/disk-outbox';
import { startMosquitto, TestBroker } from '../support/servers/mosquitto';
import { eventually, startTestApp, TestApp } from '../support/test-app';
import { MqttRecorder, Received } from './support/mqtt-recorder';
import { TcpProxy } from './support/tcp-proxy';

jest.setTimeout(180_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A subscriber whose persistent session (saved by the broker) misses nothing in an outage. */
function persistentRecorder(broker: TestBroker, name: string, topics: string[]) {
  return MqttRecorder.connect(broker.url, topics, {
    clientId: `recorder-${name}-${process.pid}`,
    clean: false,
    properties: { sessionExpiryInterval: 3600 },
    reconnectPeriod: 200,
  });
}

interface Sample {
  readonly body: MqttTelemetry;
  readonly message: Received;
}

function samples(rec: MqttRecorder, topic: string): Sample[] {
  return rec.on(topic).map((message) => ({
    body: mqttTelemetrySchema.parse(JSON.parse(message.text)),
    message,
  }));
}

/** Missing seqs between `from` and `to`, duplicates, and timestamps that disagree. */
function coverage(all: Sample[], from: number, to: number) {
  const bySeq = new Map<number, Sample[]>();
  for (const s of all) bySeq.set(s.body.seq, [...(bySeq.get(s.body.seq) ?? []), s]);
  const missing: number[] = [];
  for (let seq = from; seq <= to; seq += 1) if (!bySeq.has(seq)) missing.push(seq);
  const duplicates = [...bySeq.values()].filter((list) => list.length > 1);
  const inconsistentTs = duplicates.filter((list) => new Set(list.map((s) => s.body.ts)).size > 1);
  return { bySeq, missing, duplicates: duplicates.length, inconsistentTs: inconsistentTs.length };
}

describe('broker restarts and network loss during a stream', () => {
  let broker: TestBroker;
  let proxy: TcpProxy;
  let rec: MqttRecorder;
  let app: TestApp;

  afterAll(async () => {
    await app?.close();
    await rec?.close();
    await proxy?.close();
    await broker?.close();
  });

  it('delivers every seq at least once with its original timestamp, memory bounded', async () => {
    const BASE = 'cryopilot/outage';
    broker = await startMosquitto({ controllable: true, persistence: true });
    proxy = await TcpProxy.start(broker.host, broker.port);
    rec = await persistentRecorder(broker, 'outage', [`${BASE}/telemetry`]);
    const heapBefore = process.memoryUsage().heapUsed;
    app = await startTestApp({ deviceId: 'outage', mqtt: { url: proxy.url, keepaliveS: 5 } });
    const bridge = app.app.get(MqttBridgeService);
    let maxOutboxBytes = 0;
    let maxInFlight = 0;
    const watch = setInterval(() => {
      const stream = bridge.stats().stream;
      maxOutboxBytes = Math.max(maxOutboxBytes, stream?.outbox.bytes ?? 0);
      maxInFlight = Math.max(maxInFlight, stream?.inFlight ?? 0);
    }, 50);
    const connected = () => Promise.resolve(bridge.stats().connected);
    await eventually(connected);
    await sleep(1000);

    // Three broker restarts (Mosquitto closes every connection and saves its sessions).
    for (const downMs of [1500, 2500, 3500]) {
      await broker.stop();
      await sleep(downMs);
      await broker.start();
      await eventually(connected, 20_000);
      await sleep(1000);
    }
    // Network loss with a reset: every connection dropped, new ones refused for 2 s.
    proxy.cut();
    await sleep(2000);
    proxy.heal();
    await eventually(connected, 20_000);
    // A hung link without any reset: only the keepalive (5 s × 1.5) can detect it.
    await sleep(1000);
    proxy.blackhole();
    await eventually(() => Promise.resolve(!bridge.stats().connected), 20_000);
    proxy.heal();
    await eventually(connected, 20_000);

    // Everything buffered has been replayed once the outbox is empty again.
    await eventually(() => {
      const stream = bridge.stats().stream!;
      return Promise.resolve(stream.outbox.pending === 0 && stream.inFlight === 0);
    }, 60_000);
    clearInterval(watch);
    const stats = bridge.stats().stream!;
    const lastSeq = Math.max(...samples(rec, `${BASE}/telemetry`).map((s) => s.body.seq));
    await sleep(500);
    const all = samples(rec, `${BASE}/telemetry`);
    const { bySeq, missing, duplicates, inconsistentTs } = coverage(all, 1, lastSeq);

    // Original timestamps: one per seq, increasing with seq at about the sample period.
    const firsts = [...bySeq.entries()].sort((a, b) => a[0] - b[0]).map(([, list]) => list[0]);
    const gaps = firsts
      .slice(1)
      .map((s, i) => Date.parse(s.body.ts) - Date.parse(firsts[i].body.ts));
    const replayed = all.filter((s) => s.message.properties?.userProperties?.replayed === 'true');
    const lateMs = replayed.map((s) => s.message.at - Date.parse(s.body.ts));
    const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    console.log(
      `outage stream: seq 1..${lastSeq}, ${all.length} messages, ${missing.length} missing, ` +
        `${duplicates} duplicated seq(s) (QoS 1 resends), ${replayed.length} replayed from the ` +
        `outbox (up to ${Math.round(Math.max(...lateMs) / 1000)} s late), outbox peak ` +
        `${maxOutboxBytes} bytes, in-flight peak ${maxInFlight}, heap growth ` +
        `${heapGrowthMb.toFixed(1)} MB, stats ${JSON.stringify(stats)}`,
    );
    expect(lastSeq).toBeGreaterThan(200);
    expect(stats.outbox.dropped).toBe(0);
    expect(stats.appendFailures).toBe(0);
    expect(missing).toEqual([]);
    expect(inconsistentTs).toBe(0);
    expect(gaps.every((g) => g > 0 && g < 2000)).toBe(true);
    // The outages were replayed from the outbox, with their acquisition times, seconds late.
    expect(replayed.length).toBeGreaterThan(50);
    expect(Math.max(...lateMs)).toBeGreaterThan(1500);
    // Duplicates only where a QoS 1 message was unacknowledged at a loss: at most a window's
    // worth (100 in flight + a replay batch) per loss, far below the stream itself.
    expect(duplicates).toBeLessThanOrEqual(6 * 120);
    expect(maxInFlight).toBeLessThanOrEqual(100);
    expect(maxOutboxBytes).toBeLessThan(app.config.mqtt.outbox.maxMb * 2 ** 20);
    expect(heapGrowthMb).toBeLessThan(100);
  });
});

describe('service restart during a broker outage', () => {
  it('keeps the outbox on disk and delivers it once the broker is back', async () => {
    const BASE = 'cryopilot/restart';
    const dataDir = mkdtempSync(join(tmpdir(), 'cryopilot-mqtt-restart-'));
    const broker = await startMosquitto({ controllable: true, persistence: true });
    const rec = await persistentRecorder(broker, 'restart', [`${BASE}/telemetry`]);
    const config = { deviceId: 'restart', mqtt: { url: broker.url, keepaliveS: 5 } };
    let second: TestApp | null = null;
    try {
      const first = await startTestApp(config, { dataDir });
      const firstBridge = first.app.get(MqttBridgeService);
      await eventually(() => Promise.resolve(firstBridge.stats().connected));
      await eventually(() => Promise.resolve(samples(rec, `${BASE}/telemetry`).length >= 5));
      await broker.stop();
      // The outage lasts until the first run has buffered a good number of samples on disk.
      await eventually(() => Promise.resolve(firstBridge.stats().stream!.outbox.pending >= 15));
      const buffered = firstBridge.stats().stream!.outbox.pending;
      await first.close();
      const closedAt = Date.now();
      second = await startTestApp(config, { dataDir });
      expect(
        second.app.get(MqttBridgeService).stats().stream!.outbox.pending,
      ).toBeGreaterThanOrEqual(buffered);
      await sleep(1000);
      await broker.start();
      const bridge = second.app.get(MqttBridgeService);
      await eventually(() => Promise.resolve(bridge.stats().stream!.outbox.pending === 0), 30_000);
      await sleep(500);
      // Samples of the first run (acquired before it closed) form one gap-free sequence.
      const firstRun = samples(rec, `${BASE}/telemetry`).filter(
        (s) => Date.parse(s.body.ts) < closedAt,
      );
      const seqs = firstRun.map((s) => s.body.seq);
      const lastOfFirst = Math.max(...seqs);
      const { missing } = coverage(firstRun, 1, lastOfFirst);
      console.log(
        `restart during outage: ${buffered} record(s) buffered by the first run, ` +
          `first run seq 1..${lastOfFirst} delivered with ${missing.length} missing`,
      );
      expect(buffered).toBeGreaterThan(10);
      expect(missing).toEqual([]);
    } finally {
      await second?.close();
      await rec.close();
      await broker.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('outbox bound', () => {
  it('drops the oldest records, counts them, raises mqtt_outbox_overflow until the backlog is out', async () => {
    const BASE = 'cryopilot/overflow';
    const dataDir = mkdtempSync(join(tmpdir(), 'cryopilot-mqtt-overflow-'));
    // A backlog just under the 1 MiB bound, as a long outage would leave it.
    const prefill = new DiskOutbox<StreamRecord>(
      { dir: join(dataDir, 'outbox', 'mqtt'), maxBytes: 2 ** 20 },
      { warn: () => undefined, error: () => undefined },
    );
    await prefill.open();
    let prefilled = 0;
    while (prefill.stats().bytes < 2 ** 20 - 2048) {
      prefilled += 1;
      prefill.append({
        kind: 'telemetry',
        body: {
          seq: 1_000_000 + prefilled,
          ts: new Date(Date.UTC(2026, 0, 1) + prefilled * 100).toISOString(),
          channels: { o2_1: 20.9 },
          quality: { o2_1: 'good' },
          valve: { open: false, output: 0 },
        },
      });
    }
    await prefill.close();
    const broker = await startMosquitto({ controllable: true, persistence: true });
    const rec = await persistentRecorder(broker, 'overflow', [`${BASE}/telemetry`]);
    await broker.stop();
    const app = await startTestApp(
      {
        deviceId: 'overflow',
        mqtt: { url: broker.url, outbox: { maxMb: 1, replayPerSecond: 20_000 } },
      },
      { dataDir },
    );
    try {
      const viewer = await app.login('viewer');
      const overflowAlarm = async () =>
        ((await viewer.get('/api/state')).body as StateSnapshot).alarms.find(
          (a) => a.id === 'mqtt_outbox_overflow',
        );
      expect(await eventually(overflowAlarm)).toMatchObject({
        state: 'active-unacked',
        severity: 'warning',
      });
      const bridge = app.app.get(MqttBridgeService);
      const dropped = bridge.stats().stream!.outbox.dropped;
      expect(dropped).toBeGreaterThan(0);
      const health = (await (await app.login('admin')).get('/api/health')).body as {
        checks: { mqtt: { detail: string } };
      };
      expect(health.checks.mqtt.detail).toMatch(/\d+ record\(s\) dropped at the outbox bound/);
      await broker.start();
      await eventually(async () => (await overflowAlarm())?.state === 'cleared-unacked', 30_000);
      // Every prefilled record is delivered or counted as dropped, and the oldest went first.
      const old = samples(rec, `${BASE}/telemetry`).filter((x) => x.body.seq > 1_000_000);
      const seqs = [...new Set(old.map((x) => x.body.seq))].sort((a, b) => a - b);
      console.log(`overflow: ${prefilled} prefilled, ${dropped} dropped, ${seqs.length} delivered`);
      expect(seqs.length).toBe(prefilled - dropped);
      expect(seqs[0]).toBe(1_000_000 + dropped + 1);
      expect(seqs.at(-1)).toBe(1_000_000 + prefilled);
    } finally {
      await app.close();
      await rec.close();
      await broker.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
