import type { MqttTelemetry } from '@cryopilot/protocol';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskOutbox } from './disk-outbox';
import { asStreamRecord, type StreamRecord } from '../mqtt/publishing/mqtt-payloads';
import { RecordOutbox, StoreAndForward, StreamSink } from './store-and-forward';

const record = (seq: number): StreamRecord => ({
  kind: 'telemetry',
  body: { seq, ts: new Date(seq * 100).toISOString() } as MqttTelemetry,
});
const seqOf = (r: StreamRecord) => (r.body as MqttTelemetry).seq;

/** A session whose acknowledgements the test gives (or withholds) explicitly. */
class ManualSink implements StreamSink<StreamRecord> {
  readonly sent: {
    record: StreamRecord;
    replayed: boolean;
    ack: () => void;
    fail: (e: Error) => void;
    settled: boolean;
  }[] = [];

  send(r: StreamRecord, replayed: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const entry = {
        record: r,
        replayed,
        settled: false,
        ack: () => ((entry.settled = true), resolve()),
        fail: (e: Error) => ((entry.settled = true), reject(e)),
      };
      this.sent.push(entry);
    });
  }

  open() {
    return this.sent.filter((s) => !s.settled);
  }
}

const logger = { warn: () => undefined, error: () => undefined };

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('StoreAndForward', () => {
  let dir: string;
  let outbox: DiskOutbox<StreamRecord>;
  const errors: string[] = [];
  const create = (options = { maxInFlight: 100, replayPerSecond: 1000 }) =>
    new StoreAndForward(outbox, { ...options, decode: asStreamRecord }, (m) => errors.push(m));

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sf-spec-'));
    outbox = new DiskOutbox<StreamRecord>({ dir, maxBytes: 1 << 20 }, logger);
    await outbox.open();
    errors.length = 0;
  });

  afterEach(async () => {
    await outbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores everything while disconnected and publishes nothing', () => {
    const sut = create();
    for (let seq = 1; seq <= 5; seq += 1) sut.submit(record(seq));
    expect(sut.stats()).toMatchObject({ stored: 5, inFlight: 0, outbox: { pending: 5 } });
  });

  it('sends live while connected, with at most maxInFlight unacknowledged', async () => {
    const sut = create({ maxInFlight: 2, replayPerSecond: 1000 });
    const sink = new ManualSink();
    sut.attach(sink);
    for (let seq = 1; seq <= 3; seq += 1) sut.submit(record(seq));
    expect(sink.sent.filter((s) => !s.replayed).map((s) => seqOf(s.record))).toEqual([1, 2]);
    expect(sut.stats()).toMatchObject({ inFlight: 2, stored: 1 });
    sink.sent[0].ack();
    sink.sent[1].ack();
    await until(() => sut.stats().deliveredLive === 2);
    // The record that did not fit the window is replayed from the outbox, flagged as such.
    await until(() => sink.sent.some((s) => s.replayed));
    expect(seqOf(sink.sent.find((s) => s.replayed)!.record)).toBe(3);
    sink.open().forEach((s) => s.fail(new Error('connection closed')));
    await sut.stop();
  });

  it('moves unacknowledged live records to the outbox when the session ends', async () => {
    const sut = create();
    const sink = new ManualSink();
    sut.attach(sink);
    sut.submit(record(1));
    sut.submit(record(2));
    sink.sent[0].ack();
    await until(() => sut.stats().deliveredLive === 1);
    sut.detach();
    sink.sent[1].fail(new Error('connection closed')); // the late rejection must not store twice
    await new Promise((r) => setTimeout(r, 10));
    expect(sut.stats()).toMatchObject({ stored: 1, inFlight: 0, outbox: { pending: 1 } });
    await sut.stop();
  });

  it('replays the outbox oldest first with the original records, committing acknowledged batches', async () => {
    const sut = create({ maxInFlight: 100, replayPerSecond: 50 }); // batches of 5
    for (let seq = 1; seq <= 12; seq += 1) sut.submit(record(seq));
    const sink = new ManualSink();
    sut.attach(sink);
    for (;;) {
      await until(() => sink.open().length > 0 || sut.stats().outbox.pending === 0);
      const open = sink.open();
      if (open.length === 0) break;
      expect(open.length).toBeLessThanOrEqual(5);
      open.forEach((s) => s.ack());
    }
    expect(sink.sent.map((s) => seqOf(s.record))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(sink.sent.every((s) => s.replayed)).toBe(true);
    // The count is updated once the last batch's commit has been written: wait for it.
    await until(() => sut.stats().replayed === 12);
    expect(sut.stats()).toMatchObject({ replayed: 12, outbox: { pending: 0 } });
    await sut.stop();
  });

  it('keeps a batch whose delivery failed and replays it after the next connect', async () => {
    const sut = create({ maxInFlight: 100, replayPerSecond: 30 }); // batches of 3
    for (let seq = 1; seq <= 3; seq += 1) sut.submit(record(seq));
    const first = new ManualSink();
    sut.attach(first);
    await until(() => first.open().length === 3);
    first.sent[0].ack();
    first.sent[1].fail(new Error('connection closed'));
    sut.detach();
    first.sent[2].fail(new Error('connection closed'));
    await new Promise((r) => setTimeout(r, 20));
    expect(sut.stats().outbox.pending).toBe(3);
    const second = new ManualSink();
    sut.attach(second);
    await until(() => second.open().length === 3);
    expect(second.sent.map((s) => seqOf(s.record))).toEqual([1, 2, 3]); // 1 again: a duplicate
    second.open().forEach((s) => s.ack());
    await until(() => sut.stats().outbox.pending === 0);
    await sut.stop();
  });

  it('counts and reports records the disk refuses, and keeps going', () => {
    const broken: RecordOutbox<StreamRecord> = {
      append: () => {
        throw new Error('ENOSPC: no space left on device');
      },
      peek: () => Promise.resolve({ records: [], cursor: { segment: 1, offset: 0, count: 0 } }),
      commit: () => Promise.resolve(),
      stats: () => ({
        pending: 0,
        bytes: 0,
        appended: 0,
        delivered: 0,
        dropped: 0,
        writeFailed: 1,
        corrupt: 0,
      }),
    };
    const sut = new StoreAndForward(
      broken,
      { maxInFlight: 1, replayPerSecond: 10, decode: asStreamRecord },
      (m) => errors.push(m),
    );
    sut.submit(record(1));
    sut.submit(record(2));
    expect(sut.stats().appendFailures).toBe(2);
    expect(errors).toEqual([expect.stringContaining('ENOSPC')]);
  });
});

describe('StoreAndForward at the outbox bound', () => {
  it('drops the oldest records first and tells the owner', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-bound-'));
    const outbox = new DiskOutbox<StreamRecord>({ dir, maxBytes: 8192 }, logger);
    await outbox.open();
    const dropped: number[] = [];
    outbox.onDrop((n) => dropped.push(n));
    const sut = new StoreAndForward(
      outbox,
      { maxInFlight: 10, replayPerSecond: 1000, decode: asStreamRecord },
      () => undefined,
    );
    for (let seq = 1; seq <= 400; seq += 1) sut.submit(record(seq));
    const stats = sut.stats();
    expect(stats.outbox.dropped).toBeGreaterThan(0);
    expect(dropped.reduce((a, b) => a + b, 0)).toBe(stats.outbox.dropped);
    expect(stats.outbox.bytes).toBeLessThanOrEqual(8192);
    expect(stats.outbox.pending + stats.outbox.dropped).toBe(400);
    const first = await outbox.peek(1);
    expect(seqOf(first.records[0])).toBe(stats.outbox.dropped + 1); // the oldest went first
    await outbox.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
