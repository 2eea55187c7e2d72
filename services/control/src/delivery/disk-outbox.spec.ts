import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, appendFileSync, statSync } from 'node:fs';
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

  describe('a disk that refuses a write (full, I/O error)', () => {
    // The module object itself (an `import * as` is a copy under SWC's interop), so that the
    // spies below replace what the outbox calls. A real full filesystem: test/delivery/.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fs = require('node:fs') as typeof import('node:fs');
    afterEach(() => jest.restoreAllMocks());

    /** The next write is cut after `accepted` bytes, and the one after fails with ENOSPC. */
    function diskFillsUpAfter(accepted: number): void {
      const real = fs.writeSync;
      let step = 0;
      jest.spyOn(fs, 'writeSync').mockImplementation(((fd: number, buffer: Buffer) => {
        step += 1;
        if (step === 1) return real(fd, buffer.subarray(0, accepted));
        if (step === 2)
          throw Object.assign(new Error('ENOSPC: no space left on device'), {
            code: 'ENOSPC',
          });
        return real(fd, buffer);
      }) as typeof fs.writeSync);
    }

    const segmentBytesOnDisk = () =>
      readdirSync(dir)
        .filter((f) => f.endsWith('.jsonl'))
        .reduce((n, f) => n + statSync(join(dir, f)).size, 0);

    it('cuts a partly written record off: no broken record, the count is exact, replay goes on', async () => {
      const outbox = await openOutbox();
      const losses: number[] = [];
      outbox.onDrop((n) => losses.push(n));
      for (let i = 1; i <= 3; i++) outbox.append(rec(i));
      diskFillsUpAfter(7);
      expect(() => outbox.append(rec(4))).toThrow(
        /record not stored: ENOSPC: no space left on device/,
      );
      jest.restoreAllMocks();
      expect(outbox.stats()).toMatchObject({ pending: 3, appended: 3, writeFailed: 1 });
      expect(losses).toEqual([1]);
      expect(segmentBytesOnDisk()).toBe(outbox.stats().bytes);
      for (let i = 5; i <= 8; i++) outbox.append(rec(i));
      expect(await drain(outbox, 2)).toEqual([1, 2, 3, 5, 6, 7, 8]);
      expect(outbox.stats()).toMatchObject({ pending: 0, corrupt: 0 });
      await outbox.close();
      // And after a restart: nothing half-written was left to cut.
      const again = await openOutbox();
      expect(again.stats().corrupt).toBe(0);
      expect(logger.warn).not.toHaveBeenCalled();
      await again.close();
    });

    it('continues in a new segment when the fragment cannot even be cut off', async () => {
      const outbox = await openOutbox();
      outbox.append(rec(1));
      diskFillsUpAfter(5);
      jest.spyOn(fs, 'ftruncateSync').mockImplementation(() => {
        throw new Error('EIO');
      });
      expect(() => outbox.append(rec(2))).toThrow(/record not stored/);
      jest.restoreAllMocks();
      outbox.append(rec(3));
      expect(readdirSync(dir).filter((f) => f.endsWith('.jsonl'))).toHaveLength(2);
      expect(outbox.stats()).toMatchObject({ pending: 2, writeFailed: 1 });
      const { records } = await outbox.peek(10);
      expect(records.map((r) => r.seq)).toEqual([1]); // reads stop before the fragment
      await outbox.close();
      // Opening again cuts the fragment (counted); both records are delivered.
      const again = await openOutbox();
      expect(again.stats()).toMatchObject({ pending: 2, corrupt: 1 });
      expect(await drain(again)).toEqual([1, 3]);
      await again.close();
    });

    it('a new segment that cannot be created loses the record and changes nothing else', async () => {
      const outbox = await openOutbox(1 << 20, 4096);
      let i = 0;
      while (readdirSync(dir).filter((f) => f.endsWith('.jsonl')).length === 1) {
        i += 1;
        const realOpen = fs.openSync;
        const segmentFull = outbox.stats().bytes + 60 > 4096;
        if (segmentFull) {
          jest.spyOn(fs, 'openSync').mockImplementation(() => {
            throw new Error('ENOSPC: no space left on device');
          });
          expect(() => outbox.append(rec(i))).toThrow(/record not stored/);
          jest.restoreAllMocks();
          expect(fs.openSync).toBe(realOpen);
          i += 1;
        }
        outbox.append(rec(i));
      }
      const seqs = await drain(outbox, 100);
      expect(seqs).toHaveLength(i - 1);
      expect(outbox.stats().writeFailed).toBe(1);
      await outbox.close();
    });
  });
});
