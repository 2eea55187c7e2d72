// @ts-check
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  clockTicksPerSecond,
  parseCpuTicks,
  parseStatusKb,
  readProcessUsage,
  usageOverWindow,
} from '../lib/proc-stats.mjs';

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
