// @ts-check
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sleep } from '../lib/managed-process.mjs';
import { attachStrace } from '../lib/strace.mjs';
import { parseStraceSummary, storageCalls } from '../lib/strace-summary.mjs';

// The table strace 6.1 printed for a node process that fsynced, fdatasynced and renamed 3 files.
const SUMMARY = `% time     seconds  usecs/call     calls    errors syscall
------ ----------- ----------- --------- --------- ------------------
 72.64    0.124765        2079        60         1 futex
  0.30    0.000511          22        23           openat
  0.01    0.000015           0        26        13 fcntl
  0.00    0.000000           0         3           fsync
  0.00    0.000000           0         3           fdatasync
  0.00    0.000000           0         3           rename
  0.00    0.000000           0         2           renameat2
  0.00    0.000000           0         1         1 unlinkat
------ ----------- ----------- --------- --------- ------------------
100.00    0.171757         241       121        15 total
`;

describe('strace -c summary', () => {
  it('reads calls and errors per system call, blank errors as 0, without the total line', () => {
    const counts = parseStraceSummary(SUMMARY);
    assert.deepEqual(counts.futex, { calls: 60, errors: 1 });
    assert.deepEqual(counts.openat, { calls: 23, errors: 0 });
    assert.deepEqual(counts.fcntl, { calls: 26, errors: 13 });
    assert.equal(counts.total, undefined);
  });

  it('ignores strace’s own messages around the table', () => {
    const text = `strace: Process 42 attached with 11 threads\n${SUMMARY}strace: Process 42 detached\n`;
    assert.deepEqual(parseStraceSummary(text).fsync, { calls: 3, errors: 0 });
  });

  it('sums every variant of a storage call (x86-64 rename, arm64 renameat2)', () => {
    assert.deepEqual(storageCalls(parseStraceSummary(SUMMARY)), {
      fsync: 3,
      fdatasync: 3,
      syncFileRange: 0,
      rename: 5,
      open: 23,
      unlink: 1,
    });
  });

  it('says so when there is no table (strace failed or was killed first)', () => {
    assert.throws(
      () => parseStraceSummary('strace: attach: ptrace(PTRACE_SEIZE, 1): Operation not permitted'),
      /no strace -c summary/,
    );
  });
});

describe('strace attached to a running process', () => {
  const hasStrace = spawnSync('strace', ['-V']).status === 0;

  it(
    'counts the fsyncs and renames of every thread of it',
    { skip: hasStrace ? false : 'strace is not installed (apt-get install strace)' },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'bench-strace-'));
      // fs.promises runs on libuv's pool threads: -f must follow them. One cycle after the
      // other (cycles that overlapped on a loaded machine renamed each other's file away).
      const script = `
        const fs = require('node:fs/promises');
        const dir = ${JSON.stringify(dir)};
        (async () => {
          for (;;) {
            const h = await fs.open(dir + '/tmp', 'w');
            await h.writeFile('x'); await h.sync(); await h.close();
            await fs.rename(dir + '/tmp', dir + '/data');
            process.stdout.write('.');
            await new Promise((r) => setTimeout(r, 20));
          }
        })();`;
      const child = spawn(process.execPath, ['-e', script], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let cycles = 0;
      child.stdout.on('data', (/** @type {Buffer} */ d) => (cycles += d.length));
      try {
        await sleep(300);
        const tracer = await attachStrace(/** @type {number} */ (child.pid), join(dir, 'sum'));
        // Enough cycles under the tracer, however slow a loaded machine makes them.
        const tracedFrom = cycles;
        for (let waited = 0; cycles - tracedFrom < 8 && waited < 20_000; waited += 50) {
          await sleep(50);
        }
        const calls = storageCalls(await tracer.detach());
        assert.ok(calls.fsync >= 5, `fsync ${calls.fsync}`);
        assert.ok(calls.rename >= 5, `rename ${calls.rename}`);
        assert.ok(calls.open >= 5, `open ${calls.open}`);
        assert.equal(child.exitCode, null, 'the traced process survives the detach');
      } finally {
        child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
