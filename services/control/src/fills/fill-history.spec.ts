import { promises as fs } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FillEvent, FillRecord } from '@cryopilot/protocol';
import { FillHistory } from './fill-history';

const iso = (minute: number) => new Date(Date.UTC(2026, 10, 29, 10, minute)).toISOString();

function started(minute: number, over: Partial<FillRecord> = {}): FillEvent {
  const fill: FillRecord = {
    start: iso(minute),
    end: null,
    durationS: null,
    levelFromPct: 19.5,
    levelToPct: null,
    mode: 'auto',
    endedBy: null,
    ...over,
  };
  return { event: 'started', fill, ts: fill.start };
}

function ended(minute: number, lengthMin = 10): FillEvent {
  const fill: FillRecord = {
    ...started(minute).fill,
    end: iso(minute + lengthMin),
    durationS: lengthMin * 60,
    levelToPct: 80,
    endedBy: 'stop_level',
  };
  return { event: 'ended', fill, ts: fill.end! };
}

describe('FillHistory (fills.jsonl)', () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fills-'));
    path = join(dir, 'fills.jsonl');
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('keeps fills across a restart, newest first; the end replaces its start', async () => {
    const h = await FillHistory.open(path, 100, iso(0));
    await h.record(started(0));
    await h.record(ended(0));
    await h.record(started(60, { mode: 'manual', user: 'alice' }));
    expect(h.recent(10).map((f) => f.end)).toEqual([null, iso(10)]);
    await h.record(ended(60));
    const again = await FillHistory.open(path, 100, iso(200));
    expect(again.recent(10)).toEqual([ended(60).fill, ended(0).fill]);
    expect(again.recent(1)).toHaveLength(1);
  });

  it('a fill open when the service stopped is ended by "restart", without a duration or end level', async () => {
    const h = await FillHistory.open(path, 100, iso(0));
    await h.record(started(5));
    const after = await FillHistory.open(path, 100, iso(30));
    expect(after.recent(1)[0]).toMatchObject({
      start: iso(5),
      end: iso(30),
      endedBy: 'restart',
      durationS: null,
      levelToPct: null,
    });
    // …and stays so on the next start (it was written).
    expect((await FillHistory.open(path, 100, iso(90))).recent(1)[0].end).toBe(iso(30));
  });

  it('is bounded: the newest maxFills kept, the file compacted', async () => {
    const h = await FillHistory.open(path, 10, iso(0));
    for (let i = 0; i < 25; i++) {
      await h.record(started(i * 20));
      await h.record(ended(i * 20));
    }
    expect(h.all()).toHaveLength(10);
    expect(h.recent(1)[0].start).toBe(iso(24 * 20));
    const lines = (await fs.readFile(path, 'utf8')).trim().split('\n');
    expect(lines.length).toBeLessThanOrEqual(2 * 10 + 2);
    const again = await FillHistory.open(path, 10, iso(9999));
    expect(again.all().map((f) => f.start)).toEqual(h.all().map((f) => f.start));
  });

  it('skips corrupt lines (a power cut mid-line) and counts them', async () => {
    const good = JSON.stringify(ended(0).fill);
    await fs.writeFile(path, `${good}\n{"start":"2026-11-29T1\nnot json\n{"start":1}\n`);
    const h = await FillHistory.open(path, 100, iso(100));
    expect(h.recent(10)).toEqual([ended(0).fill]);
    expect(h.stats().skippedLines).toBe(3);
  });

  it('a write that fails keeps the fill in memory and counts it', async () => {
    const h = await FillHistory.open(join(dir, 'missing-dir', 'fills.jsonl'), 100, iso(0));
    expect(await h.record(started(0))).toBe(false);
    expect(h.recent(1)).toHaveLength(1);
    expect(h.stats().writeFailures).toBe(1);
    const memoryOnly = FillHistory.inMemory(100);
    expect(await memoryOnly.record(started(0))).toBe(false);
    expect(memoryOnly.recent(1)[0].start).toBe(iso(0));
  });
});
