import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DiskOutbox } from '../../src/delivery/disk-outbox';
import {
  describeOnSmallFilesystem,
  fillDisk,
  mountSmallFilesystem,
} from '../support/small-filesystem';

/**
 * The store-and-forward outbox on a real filesystem that fills up: a 64 KiB tmpfs mounted by
 * the test. A full tmpfs (like ext4 on an SD card) first accepts part of a write (a short
 * write), then refuses with ENOSPC — the case that once left a broken record in a segment and
 * stuck replay until a restart.
 */
interface Rec {
  seq: number;
  pad: string;
}

describeOnSmallFilesystem('DiskOutbox on a filesystem that fills up (tmpfs, 64 KiB)', () => {
  let fs: ReturnType<typeof mountSmallFilesystem>;
  let mountPoint: string;
  const logger = { warn: jest.fn(), error: jest.fn() };

  beforeAll(() => {
    fs = mountSmallFilesystem('64k');
    mountPoint = fs.path;
  });
  afterAll(() => fs.unmount());

  // Segments of 10 000 bytes are not page-aligned: the disk fills up in the middle of a record.
  const open = async () => {
    const outbox = new DiskOutbox<Rec>(
      { dir: join(mountPoint, 'outbox'), maxBytes: 1 << 20, segmentBytes: 10_000 },
      logger,
    );
    await outbox.open();
    return outbox;
  };
  const bytesOnDisk = () =>
    readdirSync(join(mountPoint, 'outbox'))
      .filter((f) => f.endsWith('.jsonl'))
      .reduce((n, f) => n + statSync(join(mountPoint, 'outbox', f)).size, 0);

  it('loses only what the disk refused, says so, and replays everything stored once space is back', async () => {
    const outbox = await open();
    const losses: number[] = [];
    outbox.onDrop((n) => losses.push(n));
    const stored: number[] = [];
    let refused = 0;
    // ~190-byte records: 64 KiB holds a few hundred; 600 attempts overrun it.
    for (let seq = 1; seq <= 600; seq++) {
      try {
        outbox.append({ seq, pad: 'x'.repeat(170) });
        stored.push(seq);
      } catch (error) {
        expect(String(error)).toMatch(/record not stored: .*ENOSPC/);
        refused += 1;
      }
    }
    expect(refused).toBeGreaterThan(0);
    expect(losses).toHaveLength(refused);
    expect(outbox.stats()).toMatchObject({ appended: stored.length, writeFailed: refused });
    // Every byte on disk belongs to a whole record: the outbox's count is the truth.
    expect(bytesOnDisk()).toBe(outbox.stats().bytes);

    // Delivering frees space (delivered segments are deleted); new records are stored again.
    const delivered: number[] = [];
    let headSaveFailures = 0;
    // As the store-and-forward pump does: a commit whose head file cannot be saved (the disk
    // is still full) is counted and the pump goes on; the head advanced in memory.
    const drain = async () => {
      for (;;) {
        const { records, cursor } = await outbox.peek(50);
        if (cursor.count === 0) return;
        delivered.push(...records.map((r) => r.seq));
        await outbox.commit(cursor).catch((error: unknown) => {
          expect(String(error)).toMatch(/ENOSPC/);
          headSaveFailures += 1;
        });
      }
    };
    await drain();
    for (let seq = 601; seq <= 650; seq++) {
      outbox.append({ seq, pad: 'x'.repeat(170) });
      stored.push(seq);
    }
    await drain();
    expect(delivered).toEqual(stored);
    expect(headSaveFailures).toBeLessThan(3); // until the first delivered segment was deleted
    expect(outbox.stats()).toMatchObject({ pending: 0, corrupt: 0 });
    await outbox.close();

    // A restart finds nothing half-written.
    const again = await open();
    expect(again.stats()).toMatchObject({ pending: 0, corrupt: 0 });
    await again.close();
  });

  it('closes cleanly when its position cannot be saved on a full disk (found by make attack)', async () => {
    rmSync(join(mountPoint, 'outbox'), { recursive: true, force: true });
    const outbox = await open();
    outbox.append({ seq: 1, pad: 'x' });
    const batch = await outbox.peek(1);
    await outbox.commit(batch.cursor);
    fillDisk(join(mountPoint, 'filler'));
    try {
      await expect(outbox.close()).resolves.toBeUndefined(); // was: ENOSPC thrown at shutdown
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringMatching(/position not saved at close/),
      );
    } finally {
      rmSync(join(mountPoint, 'filler'));
    }
  });
});
