import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TrendStore } from './trend-store';
import type { TrendPoint } from './trend-point';

const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const point = (t: number): TrendPoint => ({ t, c: { o2_1: [20.8, 20.9, 20.9] }, v: [0, 0] });

describe('TrendStore', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trend-store-'));
    file = path.join(dir, 'trend.jsonl');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const lines = () => fs.readFileSync(file, 'utf8').trim().split('\n');

  it('writes nothing until flushed, then one batch; reads it back after a restart', async () => {
    const { store, content } = await TrendStore.open(file, HOUR, 10_000, T0);
    expect(content).toEqual({ points: [], events: [] });
    store.add(point(T0));
    store.add({ t: T0 + 5, e: 'alarm', a: 'o2_low', s: 'critical' });
    store.add(point(T0 + 10_000));
    expect(fs.existsSync(file)).toBe(false);
    expect(store.stats().pendingLines).toBe(3);
    await store.close(T0 + 10_000);
    expect(lines()).toHaveLength(3);
    expect(store.stats()).toMatchObject({ pendingLines: 0, writeFailures: 0 });
    expect(store.stats().bytesWritten).toBe(fs.statSync(file).size);

    const reopened = await TrendStore.open(file, HOUR, 10_000, T0 + 20_000);
    expect(reopened.content.points).toEqual([point(T0), point(T0 + 10_000)]);
    expect(reopened.content.events).toEqual([
      { t: T0 + 5, e: 'alarm', a: 'o2_low', s: 'critical' },
    ]);
    await reopened.store.close(T0);
  });

  it('skips and counts corrupt lines, drops lines older than the retention, sorts by time', async () => {
    fs.writeFileSync(
      file,
      [
        JSON.stringify(point(T0 + 20_000)),
        '{"t": 12, "c": {', // cut short by a power loss
        JSON.stringify(point(T0 - 2 * HOUR)), // too old
        'not json',
        JSON.stringify({ t: T0, c: { o2_1: [1, 2] }, v: [0, 0] }), // wrong shape
        JSON.stringify(point(T0 + 10_000)), // written after a clock step
        '',
      ].join('\n'),
    );
    const { store, content } = await TrendStore.open(file, HOUR, 10_000, T0 + 30_000);
    expect(content.points.map((p) => p.t)).toEqual([T0 + 10_000, T0 + 20_000]);
    expect(store.stats().skippedLines).toBe(3);
    // Rewritten without the bad lines.
    expect(lines()).toHaveLength(2);
    await store.close(T0);
  });

  it('compacts the file once it holds twice the retention, keeping the window', async () => {
    // A 100 s retention of 10 s points: 10 lines; compaction beyond 20.
    const { store } = await TrendStore.open(file, 100_000, 10_000, T0);
    for (let i = 0; i < 21; i++) {
      store.add(point(T0 + i * 10_000));
      await store.flush(T0 + i * 10_000);
    }
    const kept = lines().map((l) => (JSON.parse(l) as TrendPoint).t);
    expect(kept).toEqual(Array.from({ length: 11 }, (_, k) => T0 + (10 + k) * 10_000));
    await store.close(T0);
  });

  it('keeps lines pending (bounded) while the disk fails, and writes them once it works', async () => {
    const { store } = await TrendStore.open(file, 50_000, 10_000, T0); // window: 5 lines
    fs.mkdirSync(file); // writes to a directory fail with EISDIR
    for (let i = 0; i < 12; i++) store.add(point(T0 + i));
    expect(await store.flush(T0)).toBe(false);
    expect(store.stats()).toMatchObject({ writeFailures: 1, pendingLines: 10, droppedLines: 2 });
    fs.rmdirSync(file);
    expect(await store.flush(T0)).toBe(true);
    expect(lines().map((l) => (JSON.parse(l) as TrendPoint).t)).toEqual(
      Array.from({ length: 10 }, (_, k) => T0 + 2 + k),
    );
    await store.close(T0);
  });
});
