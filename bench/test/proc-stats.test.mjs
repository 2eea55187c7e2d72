// @ts-check
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  clockTicksPerSecond,
  parseCpuTicks,
  parseParentPid,
  parseStatusKb,
  processTree,
  readProcessTreeUsage,
  readProcessUsage,
  usageOverWindow,
} from '../lib/proc-stats.mjs';
import { spawn } from 'node:child_process';

describe('proc stats', () => {
  it('reads utime + stime after a command name with spaces and parentheses', () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
    const line = '4242 (node (bench) x) S 1 4242 4242 0 -1 4194304 900 0 3 0 150 25 0 0 20 0 11 0';
    assert.equal(parseCpuTicks(line), 175);
  });

  it('rejects a line that is not /proc/<pid>/stat', () => {
    assert.throws(() => parseCpuTicks('garbage'), /not a \/proc/);
    assert.throws(() => parseCpuTicks('1 (x) S 1 2'), /utime\/stime/);
  });

  it('reads the parent pid after a command name with spaces and parentheses', () => {
    assert.equal(parseParentPid('4242 (node (bench) x) S 17 4242 4242 0 -1'), 17);
    assert.throws(() => parseParentPid('garbage'), /parent pid/);
  });

  it('a process tree: the root, its children and theirs, root first; others left out', () => {
    const parents = new Map([
      [10, 1],
      [11, 10],
      [12, 11],
      [13, 10],
      [20, 1],
      [21, 20],
    ]);
    assert.deepEqual(processTree(10, parents), [10, 11, 13, 12]);
    assert.deepEqual(processTree(99, parents), [99]);
  });

  it('counts a child this process started in its tree usage', async () => {
    const child = spawn('sleep', ['5']);
    await new Promise((r) => child.once('spawn', r));
    try {
      const own = readProcessUsage(process.pid);
      const tree = readProcessTreeUsage(process.pid);
      const sleeper = readProcessUsage(/** @type {number} */ (child.pid));
      assert.ok(tree.processes >= 2, `${tree.processes} processes`);
      assert.ok(tree.rssKb >= own.rssKb + sleeper.rssKb - 1024, `${tree.rssKb} kB`);
      assert.ok(tree.peakRssKb >= tree.rssKb);
    } finally {
      child.kill();
    }
  });

  it('reads VmRSS and VmHWM in kB', () => {
    const status = 'Name:\tnode\nVmHWM:\t  123456 kB\nVmRSS:\t   98765 kB\nThreads:\t11\n';
    assert.equal(parseStatusKb(status, 'VmHWM'), 123456);
    assert.equal(parseStatusKb(status, 'VmRSS'), 98765);
    assert.throws(() => parseStatusKb('Name: x\n', 'VmHWM'), /VmHWM not found/);
  });

  it('reads this very process from /proc: peak RSS ≥ current RSS > 0, CPU time grows', () => {
    const before = readProcessUsage(process.pid);
    const end = performance.now() + 60;
    while (performance.now() < end); // burn some CPU so the tick count must move
    const after = readProcessUsage(process.pid);
    assert.ok(before.rssKb > 0);
    assert.ok(after.peakRssKb >= after.rssKb);
    assert.ok(after.cpuTicks > before.cpuTicks, `${after.cpuTicks} > ${before.cpuTicks}`);
    assert.ok(clockTicksPerSecond() > 0);
  });

  it('turns two readings into CPU seconds, share of one core and MB', () => {
    const usage = usageOverWindow(
      { cpuTicks: 100, rssKb: 1024, peakRssKb: 2048 },
      { cpuTicks: 700, rssKb: 51200, peakRssKb: 61440 },
      60,
      100,
    );
    assert.deepEqual(usage, {
      windowS: 60,
      cpuS: 6,
      cpuPctOfOneCore: 10,
      rssMb: 50,
      peakRssMb: 60,
    });
  });
});
