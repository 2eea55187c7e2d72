import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DiskOutbox } from './disk-outbox';

interface Rec {
  seq: number;
  ts: string;
}

const logger = { warn: jest.fn(), error: jest.fn() };
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'outbox-'));
  jest.clearAllMocks();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const rec = (seq: number): Rec => ({ seq, ts: new Date(1_700_000_000_000 + seq).toISOString() });

async function openOutbox(maxBytes = 1 << 20, segmentBytes = 4096): Promise<DiskOutbox<Rec>> {
  const outbox = new DiskOutbox<Rec>({ dir, maxBytes, segmentBytes, fsyncIntervalMs: 50 }, logger);
  await outbox.open();
  return outbox;
}

/** Drains everything, batch by batch, committing each. */
async function drain(outbox: DiskOutbox<Rec>, batch = 37): Promise<number[]> {
  const seqs: number[] = [];
  for (;;) {
    const { records, cursor } = await outbox.peek(batch);
    if (cursor.count === 0) return seqs;
    seqs.push(...records.map((r) => r.seq));
    await outbox.commit(cursor);
  }
}

describe('DiskOutbox', () => {
  it('delivers records in order across segments, each once', async () => {
    const outbox = await openOutbox();
    for (let i = 1; i <= 1000; i++) outbox.append(rec(i));
    expect(outbox.stats()).toMatchObject({ pending: 1000, appended: 1000 });
    expect(await drain(outbox)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(outbox.stats()).toMatchObject({ pending: 0, delivered: 1000, dropped: 0 });
    await outbox.close();
  });

  it('keeps original payloads (timestamps) intact', async () => {
    const outbox = await openOutbox();
    outbox.append(rec(7));
    const { records } = await outbox.peek(10);
    expect(records).toEqual([rec(7)]);
    await outbox.close();
  });

  it('re-delivers an uncommitted batch (at-least-once)', async () => {
    const outbox = await openOutbox();
    for (let i = 1; i <= 5; i++) outbox.append(rec(i));
    const first = await outbox.peek(3);
    const again = await outbox.peek(3);
    expect(again.records).toEqual(first.records);
    await outbox.commit(first.cursor);
    await outbox.commit(first.cursor); // a repeated commit changes nothing
    expect((await outbox.peek(10)).records.map((r) => r.seq)).toEqual([4, 5]);
    await outbox.close();
  });

  it('survives a restart: delivered records stay delivered, pending ones come back', async () => {
    const first = await openOutbox();
    for (let i = 1; i <= 300; i++) first.append(rec(i));
    const batch = await first.peek(50);
    await first.commit(batch.cursor);
    await first.close();
    const second = await openOutbox();
    expect(second.stats().pending).toBe(250);
    second.append(rec(301));
    expect(await drain(second)).toEqual(Array.from({ length: 251 }, (_, i) => i + 51));
    await second.close();
  });

  it('drops the oldest records first at the bound, counts them, tells listeners, and logs', async () => {
    const outbox = await openOutbox(16_384, 4096);
    const dropped: number[] = [];
    outbox.onDrop((n) => dropped.push(n));
    for (let i = 1; i <= 2000; i++) outbox.append(rec(i));
    const stats = outbox.stats();
    expect(stats.bytes).toBeLessThanOrEqual(16_384);
    expect(stats.dropped).toBeGreaterThan(0);
    expect(dropped.reduce((a, b) => a + b, 0)).toBe(stats.dropped);
    expect(logger.error).toHaveBeenCalledWith(expect.stringContaining('dropped'));
    const delivered = await drain(outbox);
    // What is left is the newest, contiguous, ending with the last record.
    expect(delivered[delivered.length - 1]).toBe(2000);
    expect(delivered[0]).toBe(stats.dropped + 1);
    expect(delivered.length + stats.dropped).toBe(2000);
    await outbox.close();
  });

  it('persists the dropped count across restarts', async () => {
    const first = await openOutbox(16_384, 4096);
    for (let i = 1; i <= 2000; i++) first.append(rec(i));
    const dropped = first.stats().dropped;
    await first.close();
    const second = await openOutbox(16_384, 4096);
    expect(second.stats().dropped).toBe(dropped);
    await second.close();
  });

  it('cuts a half-written last record (crash mid-write) and keeps the rest', async () => {
    const first = await openOutbox();
    for (let i = 1; i <= 10; i++) first.append(rec(i));
    await first.close();
    const segment = readdirSync(dir).find((f) => f.startsWith('seg-'))!;
    appendFileSync(join(dir, segment), '{"seq":11,"ts":"2023-');
    const second = await openOutbox();
    expect(second.stats()).toMatchObject({ pending: 10, corrupt: 1 });
    second.append(rec(12));
    expect(await drain(second)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12]);
    await second.close();
  });

  it('deletes delivered segments so the disk does not fill up', async () => {
    const outbox = await openOutbox(1 << 20, 4096);
    for (let i = 1; i <= 1000; i++) outbox.append(rec(i));
    await drain(outbox);
    const segments = readdirSync(dir).filter((f) => f.startsWith('seg-'));
    expect(segments.length).toBe(1);
    await outbox.close();
  });

  it('records appended by a process killed with SIGKILL are all there', () => {
    const dist = resolve(__dirname, '../../dist/delivery/disk-outbox.js');
    if (!existsSync(dist))
      throw new Error(`build the service first (npm run build): ${dist} missing`);
    const script = `
      const { DiskOutbox } = require(${JSON.stringify(dist)});
      const o = new DiskOutbox({ dir: ${JSON.stringify(dir)}, maxBytes: 1 << 24, fsyncIntervalMs: 60000 }, console);
      o.open().then(() => {
        for (let i = 1; i <= 5000; i++) o.append({ seq: i, ts: 'x' });
        process.kill(process.pid, 'SIGKILL');
      });`;
    const result = spawnSync(process.execPath, ['-e', script]);
    expect(result.signal).toBe('SIGKILL');
    return (async () => {
      const outbox = await openOutbox(1 << 24);
      expect(outbox.stats().pending).toBe(5000);
      const seqs = await drain(outbox, 1000);
      expect(seqs).toHaveLength(5000);
      expect(seqs[4999]).toBe(5000);
      await outbox.close();
    })();
  });
});
