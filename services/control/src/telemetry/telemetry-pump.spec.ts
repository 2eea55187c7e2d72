import { HttpError } from '@influxdata/influxdb-client';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskOutbox } from '../delivery/disk-outbox';
import type { LineSink } from './influx-line-sink';
import { PumpLinkState, TelemetryPump, TelemetryPumpOptions } from './telemetry-pump';

/** A sink that records what it accepted; `down` makes every request fail like a dead server. */
class RecordingSink implements LineSink {
  readonly requests: string[][] = [];
  readonly accepted: string[] = [];
  down = false;
  /** Lines the "server" refuses with HTTP 400. */
  readonly poison = new Set<string>();

  send(lines: readonly string[]): Promise<void> {
    this.requests.push([...lines]);
    if (this.down) {
      return Promise.reject(
        Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      );
    }
    if (lines.some((l) => this.poison.has(l))) {
      return Promise.reject(
        new HttpError(400, 'Bad Request', 'partial write: field type conflict'),
      );
    }
    this.accepted.push(...lines);
    return Promise.resolve();
  }
  close(): void {}
}

const quietLogger = { log: jest.fn(), warn: jest.fn(), error: jest.fn() };
const OPTIONS: TelemetryPumpOptions = {
  batchSize: 50,
  flushIntervalMs: 20,
  replayPerSecond: 100_000,
  minBackoffMs: 10,
  maxBackoffMs: 40,
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pump-'));
  jest.clearAllMocks();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function openOutbox(maxBytes = 1 << 20): Promise<DiskOutbox<string>> {
  const outbox = new DiskOutbox<string>({ dir, maxBytes, segmentBytes: 4096 }, quietLogger);
  await outbox.open();
  return outbox;
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const lines = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `m v=${from + i}i ${1000 + from + i}`);

describe('TelemetryPump', () => {
  it('sends batches of at most batchSize, oldest first, and commits each after the server accepted it', async () => {
    const outbox = await openOutbox();
    const sink = new RecordingSink();
    const pump = new TelemetryPump(outbox, sink, OPTIONS, () => {}, quietLogger);
    for (const l of lines(1, 180)) outbox.append(l);
    pump.start();
    await until(() => sink.accepted.length === 180);
    await pump.stop(1000);
    expect(sink.accepted).toEqual(lines(1, 180));
    expect(Math.max(...sink.requests.map((r) => r.length))).toBeLessThanOrEqual(50);
    expect(outbox.stats()).toMatchObject({ pending: 0, delivered: 180 });
    await outbox.close();
  });

  it('keeps lines on disk through an outage and a restart, then delivers each exactly once', async () => {
    let outbox = await openOutbox();
    const sink = new RecordingSink();
    const states: PumpLinkState[] = [];
    sink.down = true;
    let pump = new TelemetryPump(outbox, sink, OPTIONS, (s) => states.push(s), quietLogger);
    pump.start();
    for (const l of lines(1, 120)) outbox.append(l);
    await until(() => sink.requests.length >= 3);
    expect(states.at(-1)).toEqual({
      state: 'disconnected',
      detail: 'ECONNREFUSED connect ECONNREFUSED',
    });
    expect(outbox.stats().pending).toBe(120);

    // Restart during the outage: the outbox is reopened from disk.
    await pump.stop(1000);
    await outbox.close();
    outbox = await openOutbox();
    expect(outbox.stats().pending).toBe(120);
    pump = new TelemetryPump(outbox, sink, OPTIONS, (s) => states.push(s), quietLogger);
    pump.start();
    for (const l of lines(121, 150)) outbox.append(l);
    sink.down = false;
    await until(() => sink.accepted.length === 150);
    await pump.stop(1000);
    expect(sink.accepted).toEqual(lines(1, 150));
    expect(states.at(-1)).toEqual({ state: 'connected' });
    await outbox.close();
  });

  it('waits for more lines while a batch is not full (batching of live data)', async () => {
    const outbox = await openOutbox();
    const sink = new RecordingSink();
    const slow = { ...OPTIONS, flushIntervalMs: 300 };
    const pump = new TelemetryPump(outbox, sink, slow, () => {}, quietLogger);
    pump.start();
    outbox.append(lines(1, 1)[0]);
    await until(() => sink.accepted.length === 1);
    // Lines arriving within the flush interval go out together, in one request.
    for (const l of lines(2, 6)) outbox.append(l);
    await until(() => sink.accepted.length === 6);
    await pump.stop(1000);
    expect(sink.requests.map((r) => r.length)).toEqual([1, 5]);
    await outbox.close();
  });

  it('isolates a line the server refuses for good, drops only it and counts it', async () => {
    const outbox = await openOutbox();
    const sink = new RecordingSink();
    const all = lines(1, 40);
    sink.poison.add(all[17]);
    const pump = new TelemetryPump(outbox, sink, OPTIONS, () => {}, quietLogger);
    for (const l of all) outbox.append(l);
    pump.start();
    await until(() => outbox.stats().pending === 0);
    await pump.stop(1000);
    expect(sink.accepted).toEqual(all.filter((_, i) => i !== 17));
    expect(pump.stats().refusedLines).toBe(1);
    expect(quietLogger.error).toHaveBeenCalledWith(expect.stringContaining(all[17]));
    await outbox.close();
  });

  it('accounts for every line at the bound: delivered + dropped = appended, oldest dropped first', async () => {
    const outbox = await openOutbox(16_384);
    const drops: number[] = [];
    outbox.onDrop((n) => drops.push(n));
    const sink = new RecordingSink();
    sink.down = true;
    const pump = new TelemetryPump(outbox, sink, OPTIONS, () => {}, quietLogger);
    pump.start();
    const all = lines(1, 2000);
    for (const l of all) outbox.append(l);
    const dropped = outbox.stats().dropped;
    expect(dropped).toBeGreaterThan(0);
    expect(drops.reduce((a, b) => a + b, 0)).toBe(dropped);
    sink.down = false;
    await until(() => outbox.stats().pending === 0);
    await pump.stop(1000);
    expect(sink.accepted).toEqual(all.slice(dropped));
    await outbox.close();
  });

  it('abandons a request still hanging at stop without committing it (re-sent next time)', async () => {
    const outbox = await openOutbox();
    const hanging: LineSink = { send: () => new Promise<void>(() => {}), close: () => {} };
    const pump = new TelemetryPump(outbox, hanging, OPTIONS, () => {}, quietLogger);
    for (const l of lines(1, 10)) outbox.append(l);
    pump.start();
    await new Promise((r) => setTimeout(r, 50));
    await pump.stop(50);
    expect(outbox.stats().pending).toBe(10);
    await outbox.close();
  });
});
