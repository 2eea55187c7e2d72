/**
 * The audit keeps accepted commands through a full data disk (issue 16): on a real 1 MiB
 * tmpfs filled to the last byte, records go to the reserve made while there was room, come
 * back into the log once space is freed, and survive a restart in between.
 */
import type { AuditRecord } from '@cryopilot/protocol';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AuditLog } from '../../src/audit/audit-log';
import { parseAuditLines } from '../../src/audit/audit-lines';
import {
  describeOnSmallFilesystem,
  fillDisk,
  mountSmallFilesystem,
} from '../support/small-filesystem';

const RESERVE = 8 * 1024;
/**
 * Records appended after the disk is full: more than the last page of the log file holds
 * (tmpfs gives a file whole 4 KiB pages; what is left of its last one still takes appends).
 */
const AFTER_FULL = 30;

function record(n: number, command = 'mode.set'): AuditRecord {
  return {
    ts: new Date(Date.UTC(2026, 10, 29, 12, 0, n)).toISOString(),
    id: `cmd-${n}`,
    user: 'olga',
    role: 'operator',
    source: 'http',
    command,
    args: { mode: n % 2 === 0 ? 'auto' : 'manual' },
    ok: true,
  };
}

describeOnSmallFilesystem('audit on a full data disk (tmpfs, 1 MiB)', () => {
  let fs: ReturnType<typeof mountSmallFilesystem>;
  let dir: string;
  const filler = () => join(fs.path, 'filler');
  const logFile = () => readFileSync(join(dir, 'audit.jsonl'), 'utf8');
  const reserveFile = () => readFileSync(join(dir, 'audit.reserve'));
  const open = async () => {
    const log = new AuditLog({ dir, reserveBytes: RESERVE, fullDiskRetryMs: 0 });
    await log.open();
    return log;
  };

  beforeEach(() => {
    fs = mountSmallFilesystem('1m');
    dir = join(fs.path, 'audit');
  });
  afterEach(() => fs.unmount());

  it('sends records to the reserve while the disk is full, and back to the log after', async () => {
    const log = await open();
    expect(reserveFile()).toEqual(Buffer.alloc(RESERVE)); // made while there was room
    for (let n = 1; n <= 3; n++) await log.append(record(n));
    expect(await log.runningOnReserve()).toBe(false);

    fillDisk(filler());
    const total = 3 + AFTER_FULL;
    for (let n = 4; n <= total; n++) await log.append(record(n)); // none rejected
    expect(await log.runningOnReserve()).toBe(true);
    expect(log.stats().reserve).toMatchObject({ inUse: true, capacityBytes: RESERVE });
    expect((await log.recent(100)).map((r) => r.id)).toEqual(
      Array.from({ length: total }, (_, i) => `cmd-${total - i}`),
    );
    // The failed appends left no partial line in the log file.
    expect(parseAuditLines(logFile())).toMatchObject({ corrupt: 0 });
    expect(logFile().endsWith('\n')).toBe(true);

    rmSync(filler());
    expect(await log.runningOnReserve()).toBe(false);
    const { records, corrupt } = parseAuditLines(logFile());
    expect(corrupt).toBe(0);
    expect(records.map((r) => r.id)).toEqual(
      Array.from({ length: total }, (_, i) => `cmd-${i + 1}`),
    );
    expect(reserveFile()).toEqual(Buffer.alloc(RESERVE)); // emptied in place, still reserved
    await log.append(record(total + 1));
    expect(log.stats()).toMatchObject({ recordsOnDisk: total + 1, reserve: { usedBytes: 0 } });
    await log.close();
  });

  it('finds records left in the reserve by a previous run, and moves them once it can', async () => {
    const first = await open();
    fillDisk(filler());
    for (let n = 1; n <= AFTER_FULL; n++) await first.append(record(n));
    expect(first.stats().reserve?.usedBytes).toBeGreaterThan(0);
    await first.close(); // a restart while the disk is still full

    const ids = Array.from({ length: AFTER_FULL }, (_, i) => `cmd-${i + 1}`);
    const second = await open();
    expect(await second.runningOnReserve()).toBe(true);
    expect((await second.recent(100)).map((r) => r.id)).toEqual([...ids].reverse());
    await second.close();

    rmSync(filler());
    const third = await open(); // space back before the start: moved at once
    expect(await third.runningOnReserve()).toBe(false);
    expect(parseAuditLines(logFile()).records.map((r) => r.id)).toEqual(ids);
    expect(third.stats()).toMatchObject({ recordsOnDisk: AFTER_FULL, reserve: { usedBytes: 0 } });
    await third.close();
  });

  it('says so when the reserve is full too, and keeps every record it took', async () => {
    const log = await open();
    fillDisk(filler());
    let taken = 0;
    let failure: unknown = null;
    for (let n = 1; n <= 100 && failure === null; n++) {
      await log.append(record(n)).then(
        () => (taken += 1),
        (error: unknown) => (failure = error),
      );
    }
    expect(String(failure)).toContain('audit reserve full: record not written');
    expect(taken).toBeGreaterThan(10); // 8 KiB of ~250-byte records
    const kept = parseAuditLines(reserveFile().subarray(0, reserveFile().indexOf(0)).toString());
    expect(kept).toMatchObject({ corrupt: 0 });
    expect(kept.records).toHaveLength(taken);
    await log.close();
  });
});
