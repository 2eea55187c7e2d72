// @ts-check
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sleep } from '../lib/managed-process.mjs';
import { BENCH_DIR } from '../lib/paths.mjs';
import { memoryDetail, readMemoryDetail } from '../systems/memory-detail.mjs';

describe('memory detail', () => {
  const status = [
    'Name:\tnode',
    'VmHWM:\t  122880 kB',
    'VmRSS:\t  107520 kB',
    'RssAnon:\t   57344 kB',
    'RssFile:\t   50176 kB',
    'RssShmem:\t       0 kB',
    '',
  ].join('\n');

  it('splits RSS into file-backed and anonymous pages, and the V8 heap, in MB', () => {
    const probe = {
      heapUsed: 36 * 1048576,
      heapTotal: 41 * 1048576,
      external: 6.5 * 1048576,
      spaces: { new_space: { size: 4 * 1048576 }, old_space: { size: 33 * 1048576 } },
    };
    assert.deepEqual(memoryDetail(status, probe), {
      rssMb: 105,
      peakRssMb: 120,
      rssFileMb: 49,
      rssAnonMb: 56,
      heapUsedMb: 36,
      heapTotalMb: 41,
      newSpaceMb: 4,
      externalMb: 6.5,
    });
  });

  it('leaves the V8 figures empty without a probe reading', () => {
    const d = memoryDetail(status, null);
    assert.equal(d.heapUsedMb, null);
    assert.equal(d.rssMb, 105);
  });

  it('reads a process that preloads the memory probe, which writes only when asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-memory-'));
    const file = join(dir, 'memory.jsonl');
    const child = spawn(
      process.execPath,
      [
        '--max-semi-space-size=2',
        '--import',
        join(BENCH_DIR, 'probes/memory-probe.mjs'),
        '-e',
        'setInterval(() => {}, 1000)',
      ],
      { env: { ...process.env, BENCH_MEMORY_FILE: file }, stdio: 'ignore' },
    );
    try {
      await sleep(500);
      const d = await readMemoryDetail(/** @type {number} */ (child.pid), file);
      assert.ok((d.heapUsedMb ?? 0) > 0, `heap used ${d.heapUsedMb}`);
      assert.ok((d.heapTotalMb ?? 0) >= (d.heapUsedMb ?? 0));
      // --max-semi-space-size=2: at most 2 × 2 MB of young generation.
      assert.ok((d.newSpaceMb ?? 99) <= 4, `young generation ${d.newSpaceMb} MB`);
      assert.ok(d.rssFileMb > 0 && d.rssAnonMb > 0);
      assert.ok(Math.abs(d.rssFileMb + d.rssAnonMb - d.rssMb) <= 1);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
