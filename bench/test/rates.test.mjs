// @ts-check
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cpuCost, formatBytes, perDay, perMinute } from '../lib/rates.mjs';

describe('rates', () => {
  it('scales window totals to a day and to a minute', () => {
    // The figure: 9.4 kB/s is about 0.8 GB/day.
    assert.equal(perDay(9_400 * 120, 120), 812_160_000);
    assert.equal(perMinute(3, 90), 2);
    assert.throws(() => perDay(1, 0), /positive/);
  });

  it('gives CPU seconds per hour and milliseconds per sample', () => {
    assert.deepEqual(cpuCost({ cpuS: 0.5, windowS: 60, samples: 120 }), {
      cpuSPerHour: 30,
      cpuMsPerSample: 4.167,
    });
    assert.equal(cpuCost({ cpuS: 0.5, windowS: 60, samples: 0 }).cpuMsPerSample, null);
  });

  it('prints bytes in decimal units, like the issue’s 20 MB/day', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(999), '999 B');
    assert.equal(formatBytes(1_500), '1.50 kB');
    assert.equal(formatBytes(20_000_000), '20.0 MB');
    assert.equal(formatBytes(812_160_000), '812 MB');
    assert.equal(formatBytes(null), 'n/a');
  });
});
