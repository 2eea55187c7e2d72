/**
 * Telemetry against a real time-series server (InfluxDB 2 in a container when Docker answers,
 * else Debian's victoria-metrics): the schema of docs/interfaces.md, an outage with a
 * service restart in the middle, and the outbox bound.
 */
import type { Health, StateSnapshot } from '@cryopilot/protocol';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlView } from '../../src/control/control.facades';
import type { TickOutcome } from '../../src/control/control-runtime';
import { TelemetryService } from '../../src/telemetry/telemetry.service';
import { startServiceProcess } from '../support/service-process';
import { eventually, startTestApp, TestApp } from '../support/test-app';
import { prefillOutbox } from './support/prefill-outbox';
import { startTimeSeriesServer, StoredPoint, TimeSeriesServer } from './support/time-series-server';

jest.setTimeout(90_000);

let server: TimeSeriesServer;
beforeAll(async () => {
  server = await startTimeSeriesServer();
});
afterAll(async () => {
  await server?.close();
});

const CHANNELS = ['o2_1', 'o2_2', 'ln2_level'];
/** Waits until the service has produced `count` samples (recorded by `recordTicks`). */
const untilTicks = (ticks: readonly unknown[], count: number) =>
  eventually(() => Promise.resolve(ticks.length >= count), 30_000);

function telemetryConfig(deviceId: string, extra: Record<string, unknown> = {}) {
  return { deviceId, telemetry: { ...server.telemetry, flushIntervalMs: 200, ...extra } };
}

/** Every sample the service produced, as (seq, acquisition time). */
function recordTicks(t: TestApp): { seq: number; ts: number }[] {
  const ticks: { seq: number; ts: number }[] = [];
  t.app
    .get(ControlView)
    .onTick('test recorder', (o: TickOutcome) => void ticks.push({ seq: o.seq, ts: o.wallMs }));
  return ticks;
}

async function telemetryHealth(t: TestApp) {
  const res = await t.anonymous().get('/api/health');
  return (res.body as Health).checks.telemetry;
}

const seqPoints = (device: string, channel: string) =>
  server.points('channel', 'seq', { device, channel });

describe(`telemetry to a real time-series server`, () => {
  it('writes every sample with its acquisition time, valve, alarm, audit and diagnostics points', async () => {
    const device = 'e2e-schema';
    const t = await startTestApp(telemetryConfig(device, { diagnosticsPeriodS: 5 }));
    const ticks = recordTicks(t);
    await eventually(async () => (await telemetryHealth(t)).status === 'ok');
    const operator = await t.login('operator');
    await operator
      .post('/api/commands')
      .send({ name: 'mode.set', args: { mode: 'manual' } })
      .expect(200);
    const admin = await t.login('admin');
    await admin
      .post('/api/sim/fault')
      .send({ channel: 'ln2_level', fault: 'open-circuit' })
      .expect((res) => expect(res.status).toBeLessThan(300));
    // The wire break has raised its alarm, and samples went on after it.
    const faultAt = ticks.length;
    await eventually(async () => {
      const state = (await admin.get('/api/state')).body as StateSnapshot;
      const raised = state.alarms.some((a) => a.id === 'level_sensor_fault');
      return raised && ticks.length >= faultAt + 10;
    });
    await t.close();

    expect(ticks.length).toBeGreaterThan(10);
    for (const channel of CHANNELS) {
      const stored = await eventually(async () => {
        const points = await seqPoints(device, channel);
        const have = new Set(points.map((p) => `${p.ts}:${p.value}`));
        return ticks.every((k) => have.has(`${k.ts}:${k.seq}`)) && points;
      });
      expect(stored.length).toBeGreaterThanOrEqual(ticks.length);
    }
    const valveOutput = await server.points('valve', 'output', { device });
    expect(valveOutput.length).toBeGreaterThan(0);
    const audit = await server.points('audit', 'ok', { device, command: 'mode.set' });
    expect(audit.map((p) => p.value)).toEqual([1]);
    const alarm = await server.points('alarm', 'active', {
      device,
      alarm: 'level_sensor_fault',
    });
    expect(alarm.map((p) => p.value)).toContain(1);
    const diagnostics = await server.points('diagnostics', 'i2c_errors', { device });
    expect(diagnostics.length).toBeGreaterThan(0);
  });

  it('loses nothing through a long outage with a service restart in the middle', async () => {
    const device = 'e2e-outage';
    const dataDir = mkdtempSync(join(tmpdir(), 'cryopilot-outage-'));
    // Replay well above the live rate, so catching up is quick; 100 ms samples (10/s).
    const overrides = telemetryConfig(device, { outbox: { maxMb: 16, replayPerSecond: 5000 } });
    const first = await startTestApp(overrides, { dataDir });
    const firstTicks = recordTicks(first);
    await eventually(async () => (await telemetryHealth(first)).status === 'ok');
    await untilTicks(firstTicks, 10);

    await server.stop();
    await eventually(async () => (await telemetryHealth(first)).status === 'degraded');
    const outageStart = firstTicks.length;
    await untilTicks(firstTicks, outageStart + 30);
    await first.close();
    const firstLastSeq = first.app.get(ControlView).lastSeq();
    const restartedAt = Date.now();

    const second = await startTestApp(overrides, { dataDir });
    const secondTicks = recordTicks(second);
    const pendingAfterRestart = second.app.get(TelemetryService).stats()!.outbox.pending;
    await untilTicks(secondTicks, 30);
    expect((await telemetryHealth(second)).status).toBe('degraded');
    await server.start();
    await eventually(async () => (await telemetryHealth(second)).status === 'ok', 30_000);
    await eventually(
      () => Promise.resolve(second.app.get(TelemetryService).stats()!.outbox.pending < 100),
      30_000,
    );
    await second.close();
    const secondLastSeq = second.app.get(ControlView).lastSeq();

    // The outage spanned many samples, and lines from before the restart waited on disk.
    expect(pendingAfterRestart).toBeGreaterThan(3 * 30);
    for (const channel of CHANNELS) {
      const points = await eventually(async () => {
        const all = await seqPoints(device, channel);
        const run2 = all.filter((p) => p.ts >= restartedAt);
        return run2.length >= secondLastSeq && all;
      }, 30_000);
      const run1 = points.filter((p) => p.ts < restartedAt);
      const run2 = points.filter((p) => p.ts >= restartedAt);
      // Every seq of each run exactly once (no gap, no duplicate)…
      expect(run1.map((p) => p.value)).toEqual(range(firstLastSeq));
      expect(run2.map((p) => p.value)).toEqual(range(secondLastSeq));
      // …with the acquisition time of that very sample.
      expectSameTimes(run1, firstTicks);
      expectSameTimes(run2, secondTicks);
    }
  });

  it('drops the oldest lines at the bound, counts them and raises telemetry_outbox_overflow', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cryopilot-overflow-'));
    const outboxDir = join(dataDir, 'outbox', 'telemetry');
    // A backlog just under the 1 MB bound, as left by a long outage.
    const prefilled = await prefillOutbox(outboxDir, 1 << 20, 'prefill');
    await server.stop();
    const overrides = telemetryConfig('e2e-overflow', {
      outbox: { maxMb: 1, replayPerSecond: 20_000 },
    });
    const t = await startTestApp(overrides, { dataDir });
    const viewer = await t.login('viewer');
    const overflow = async () =>
      ((await viewer.get('/api/state')).body as StateSnapshot).alarms.find(
        (a) => a.id === 'telemetry_outbox_overflow',
      );
    const raised = await eventually(overflow);
    expect(raised).toMatchObject({ state: 'active-unacked', severity: 'warning' });
    expect(t.app.get(TelemetryService).stats()!.outbox.dropped).toBeGreaterThan(0);

    await server.start();
    const cleared = await eventually(
      async () => (await overflow())?.state === 'cleared-unacked',
      30_000,
    );
    expect(cleared).toBe(true);
    const dropped = t.app.get(TelemetryService).stats()!.outbox.dropped;
    await t.close();
    // Every prefilled line is either delivered or counted as dropped — none silently lost.
    const delivered = await eventually(async () => {
      const points = await server.points('channel', 'seq', {
        device: 'prefill',
        channel: 'o2_1',
      });
      return points.length === prefilled - dropped && points;
    }, 30_000);
    expect(delivered.length + dropped).toBe(prefilled);
    // The dropped ones were the oldest.
    expect(delivered[0].value).toBe(dropped + 1);
  });

  it('writes nothing to the data disk while the server takes the lines; a kill -9 then loses at most holdInMemoryMs', async () => {
    // The built service as its own process, so that it can be killed (issue 13: SD writes).
    const device = 'e2e-memory-first';
    const dataDir = mkdtempSync(join(tmpdir(), 'cryopilot-memory-first-'));
    const { url, token, org, bucket } = server.telemetry;
    const service = await startServiceProcess(dataDir, {
      configYaml: `deviceId: ${device}\nsamplePeriodMs: 100\n`,
      env: { INFLUX_URL: url, INFLUX_TOKEN: token, INFLUX_ORG: org, INFLUX_BUCKET: bucket },
    });
    const outboxDir = join(dataDir, 'outbox', 'telemetry');
    const segmentBytes = () =>
      readdirSync(outboxDir)
        .filter((f) => f !== 'head.json')
        .reduce((sum, f) => sum + statSync(join(outboxDir, f)).size, 0);
    try {
      await eventually(async () => (await seqPoints(device, 'o2_1')).length >= 40, 30_000);
      expect(segmentBytes()).toBe(0);
      expect(existsSync(join(outboxDir, 'head.json'))).toBe(false); // never a commit to disk
    } finally {
      service.child.kill('SIGKILL');
    }
    const killedAt = Date.now();
    await service.exited;
    // Everything older than the hold is on the server, without a gap: the crash took only
    // the last holdInMemoryMs (2 s, + the 0.25 s check) of samples.
    const points = await seqPoints(device, 'o2_1');
    const seqs = points.map((p) => p.value);
    expect(seqs).toEqual(range(seqs.length));
    const newest = Math.max(...points.map((p) => p.ts));
    expect(killedAt - newest).toBeLessThanOrEqual(2250 + 100);
  });

  it('is disabled without a URL: health says so and nothing is buffered', async () => {
    const t = await startTestApp();
    expect(await telemetryHealth(t)).toMatchObject({ status: 'disabled' });
    expect(t.app.get(TelemetryService).stats()).toBeNull();
    const outboxDir = join(t.dataDir, 'outbox', 'telemetry');
    await t.close();
    expect(existsSync(outboxDir)).toBe(false);
  });
});

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

function expectSameTimes(points: StoredPoint[], ticks: { seq: number; ts: number }[]): void {
  const tsBySeq = new Map(points.map((p) => [p.value, p.ts]));
  expect(ticks.length).toBeGreaterThan(0);
  for (const tick of ticks) expect(tsBySeq.get(tick.seq)).toBe(tick.ts);
}
