/**
 * What the trend store costs an SD card (issue 13: the whole service ≤ 20 MB/day of storage
 * writes with links up). A simulated day at the default 500 ms sample period goes through the
 * real aggregator and store with the default settings (a point per 10 s, a batch every 300 s,
 * 240 min kept, compaction included) onto this machine's disk; `/proc/self/io` write_bytes
 * counts what the kernel was asked to write, page by page (an append re-dirties the last page).
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { appConfigSchema } from '../../src/config/config.schema';
import { TrendAggregator } from '../../src/trend/store/trend-aggregator';
import { TrendStore } from '../../src/trend/store/trend-store';

const DAY_MS = 86_400_000;
const PERIOD_MS = 500;

function writeBytes(): number {
  const match = /^write_bytes: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
  return Number(match?.[1] ?? Number.NaN);
}

describe('trend store writes', () => {
  it('writes ≤ 4 MB a day at the default settings (a fifth of the service budget)', async () => {
    const { trend } = appConfigSchema().parse({ deviceId: 'bench' });
    const periodMs = trend.store.everySeconds * 1000;
    const flushMs = trend.store.flushSeconds * 1000;
    // On the checkout's disk: a tmpfs /tmp would count nothing.
    const dir = mkdtempSync(join(__dirname, 'writes-'));
    const file = join(dir, 'trend.jsonl');
    const t0 = Date.UTC(2026, 0, 1);
    const { store } = await TrendStore.open(file, trend.retainMinutes * 60_000, periodMs, t0);
    const aggregator = new TrendAggregator(['o2_1', 'o2_2', 'ln2_level'], periodMs);
    const before = writeBytes();
    let nextFlush = t0 + flushMs;
    let level = 80;
    for (let t = t0; t < t0 + DAY_MS; t += PERIOD_MS) {
      // A quiet room, the level draining 6 %/h and topped up when it reaches 30 %.
      level -= (6 * PERIOD_MS) / 3_600_000;
      if (level < 30) level = 80;
      const point = aggregator.push({
        t,
        values: {
          o2_1: 20.9 + 0.03 * Math.sin(t / 7_000) + 0.01 * Math.random(),
          o2_2: 20.8 + 0.03 * Math.cos(t / 9_000) + 0.01 * Math.random(),
          ln2_level: level + 0.05 * Math.random(),
        },
        valveOutput: 0,
      });
      if (point) store.add(point);
      if (t >= nextFlush) {
        await store.flush(t);
        nextFlush += flushMs;
      }
    }
    await store.close(t0 + DAY_MS);
    const written = writeBytes() - before;
    const { bytesWritten } = store.stats();
    const size = statSync(file).size;
    rmSync(dir, { recursive: true, force: true });
    console.log(
      `trend store, one simulated day at ${PERIOD_MS} ms: write_bytes ${(written / 1e6).toFixed(2)} MB, ` +
        `payload ${(bytesWritten / 1e6).toFixed(2)} MB (appends and compactions), file ${(size / 1e3).toFixed(0)} kB`,
    );
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThanOrEqual(4e6);
  }, 120_000);
});
