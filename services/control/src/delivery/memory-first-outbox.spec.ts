import fc from 'fast-check';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskOutbox } from './disk-outbox';
import { MemoryFirstOutbox } from './memory-first-outbox';

const logger = { warn: jest.fn(), error: jest.fn() };
const HOLD_MS = 2000;
let dir: string;
let nowMs: number;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'memory-first-'));
  nowMs = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function openDisk(): Promise<DiskOutbox<number>> {
  const disk = new DiskOutbox<number>({ dir, maxBytes: 1 << 20, fsyncIntervalMs: 50 }, logger);
  await disk.open();
  return disk;
}

async function open(options: { holdMs?: number; maxHeld?: number } = {}) {
  const disk = await openDisk();
  const failures: unknown[] = [];
  const outbox = new MemoryFirstOutbox(
    disk,
    { holdMs: options.holdMs ?? HOLD_MS, maxHeld: options.maxHeld ?? 1000 },
    (error) => failures.push(error),
    () => nowMs,
  );
  return { outbox, disk, failures };
}

/** Bytes in the disk outbox's segment files (head.json aside). */
const segmentBytes = () =>
  readdirSync(dir)
    .filter((f) => f !== 'head.json')
    .reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);

async function deliverAll(outbox: MemoryFirstOutbox<number>): Promise<number[]> {
  const out: number[] = [];
  for (;;) {
    const { records, cursor } = await outbox.peek(7);
    if (cursor.count === 0) return out;
    out.push(...records);
    await outbox.commit(cursor);
  }
}

describe('MemoryFirstOutbox', () => {
  it('delivers promptly delivered records without writing anything to disk', async () => {
    const { outbox } = await open();
    for (let n = 1; n <= 50; n++) {
      outbox.append(n);
      nowMs += 100;
      if (n % 10 === 0) expect(await deliverAll(outbox)).toHaveLength(10);
      outbox.spillOverdue();
    }
    expect(outbox.stats()).toMatchObject({ appended: 50, delivered: 50, spilled: 0, held: 0 });
    expect(segmentBytes()).toBe(0);
    await outbox.close();
  });

  it('writes records not delivered within holdMs to disk, and keeps the order across both', async () => {
    const { outbox } = await open();
    for (let n = 1; n <= 30; n++) {
      outbox.append(n);
      nowMs += 100; // 3 s of records: the first 1 s worth is overdue
    }
    outbox.spillOverdue();
    const spilled = outbox.stats().spilled;
    expect(spilled).toBe(11); // appended at t ≤ 1000 ms, now 3000 ms
    expect(outbox.stats()).toMatchObject({ held: 19, pending: 30 });
    expect(segmentBytes()).toBeGreaterThan(0);
    expect(await deliverAll(outbox)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    await outbox.close();
  });

  it('a planned stop moves what is held to disk: the next start delivers it', async () => {
    const first = await open();
    for (let n = 1; n <= 5; n++) first.outbox.append(n);
    await first.outbox.close();
    const second = await open();
    expect(await deliverAll(second.outbox)).toEqual([1, 2, 3, 4, 5]);
    await second.outbox.close();
  });

  it('holds at most maxHeld records: the oldest go to disk at once', async () => {
    const { outbox } = await open({ maxHeld: 4 });
    for (let n = 1; n <= 10; n++) outbox.append(n);
    expect(outbox.stats()).toMatchObject({ held: 4, spilled: 6 });
    expect(await deliverAll(outbox)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    await outbox.close();
  });

  it('with holdMs 0 appends every record to disk first (as before)', async () => {
    const { outbox } = await open({ holdMs: 0 });
    outbox.append(1);
    expect(segmentBytes()).toBeGreaterThan(0);
    expect(outbox.maxHoldMs()).toBe(0);
    expect(await deliverAll(outbox)).toEqual([1]);
    await outbox.close();
  });

  it('counts a record the disk refuses when it is moved there', async () => {
    const { outbox, disk, failures } = await open();
    outbox.append(1);
    jest.spyOn(disk, 'append').mockImplementation(() => {
      throw new Error('ENOSPC');
    });
    nowMs += HOLD_MS;
    outbox.spillOverdue();
    expect(failures).toHaveLength(1);
    expect(outbox.stats().held).toBe(0);
    await outbox.close();
  });

  /**
   * Random histories of appends, time, spill checks, deliveries that succeed or fail (a batch
   * in flight while its records go to disk), and planned restarts: every record is delivered
   * at least once, first deliveries come in append order, and no record stays in memory only
   * for longer than maxHoldMs (the crash bound).
   */
  it('never loses a record, keeps the order, and bounds what only memory holds (property)', async () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('append' as const), n: fc.integer({ min: 1, max: 5 }) }),
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 1500 }) }),
      fc.record({ kind: fc.constant('check' as const) }),
      fc.record({
        kind: fc.constant('deliver' as const),
        max: fc.integer({ min: 1, max: 6 }),
        ok: fc.boolean(),
        spillWhileSending: fc.boolean(),
      }),
      fc.record({ kind: fc.constant('restart' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 60 }), async (steps) => {
        rmSync(dir, { recursive: true, force: true });
        nowMs = 0;
        let { outbox } = await open();
        let next = 1;
        const delivered: number[] = [];
        const appendedAt = new Map<number, number>();
        for (const s of steps) {
          if (s.kind === 'append') {
            for (let i = 0; i < s.n; i++) {
              appendedAt.set(next, nowMs);
              outbox.append(next++);
            }
          } else if (s.kind === 'advance') {
            // The timer runs at least every maxHoldMs - holdMs: model it.
            const tick = outbox.maxHoldMs() - HOLD_MS;
            for (let left = s.ms; left > 0; left -= tick) {
              nowMs += Math.min(tick, left);
              outbox.spillOverdue();
            }
          } else if (s.kind === 'check') {
            outbox.spillOverdue();
          } else if (s.kind === 'deliver') {
            const batch = await outbox.peek(s.max);
            if (s.spillWhileSending) {
              nowMs += HOLD_MS;
              outbox.spillOverdue();
            }
            if (s.ok) {
              delivered.push(...batch.records);
              await outbox.commit(batch.cursor);
            }
          } else {
            await outbox.close();
            ({ outbox } = await open());
          }
          // Crash bound: whatever is only in memory is younger than maxHoldMs.
          const held = outbox.stats().held;
          const newestOnly = Array.from({ length: held }, (_, i) => next - held + i);
          for (const n of newestOnly) {
            expect(nowMs - appendedAt.get(n)!).toBeLessThanOrEqual(outbox.maxHoldMs());
          }
        }
        delivered.push(...(await deliverAll(outbox)));
        await outbox.close();
        const firsts = delivered.filter((n, i) => delivered.indexOf(n) === i);
        expect(firsts).toEqual(Array.from({ length: next - 1 }, (_, i) => i + 1));
      }),
      { numRuns: 150, seed: 20261129 },
    );
  });
});
