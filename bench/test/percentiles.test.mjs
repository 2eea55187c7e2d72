// @ts-check
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { percentileOfSorted, roundDistribution, summarize } from '../lib/percentiles.mjs';

describe('percentiles', () => {
  it('uses the nearest rank: the smallest value with at least q of the values at or below it', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    assert.equal(percentileOfSorted(sorted, 0.5), 50);
    assert.equal(percentileOfSorted(sorted, 0.95), 95);
    assert.equal(percentileOfSorted(sorted, 0.99), 99);
    assert.equal(percentileOfSorted(sorted, 1), 100);
    assert.equal(percentileOfSorted([7, 9], 0.5), 7);
    assert.equal(percentileOfSorted([7, 9], 0.51), 9);
  });

  it('summarises values in any order, including the max and the mean', () => {
    const d = summarize([5, 1, 4, 2, 3]);
    assert.deepEqual(d, { count: 5, p50: 3, p95: 5, p99: 5, max: 5, mean: 3 });
  });

  it('gives nulls for an empty distribution', () => {
    assert.deepEqual(summarize([]), {
      count: 0,
      p50: null,
      p95: null,
      p99: null,
      max: null,
      mean: null,
    });
  });

  it('refuses NaN and infinities instead of averaging a parsing bug away', () => {
    assert.throws(() => summarize([1, NaN]), /non-finite/);
    assert.throws(() => summarize([Infinity]), /non-finite/);
  });

  it('refuses a percentile outside (0, 1]', () => {
    assert.throws(() => percentileOfSorted([1], 0), RangeError);
    assert.throws(() => percentileOfSorted([1], 1.5), RangeError);
  });

  it('rounds for the report and keeps nulls', () => {
    const d = roundDistribution({
      count: 2,
      p50: 1.23456,
      p95: null,
      p99: 2.5,
      max: 3,
      mean: 1 / 3,
    });
    assert.deepEqual(d, { count: 2, p50: 1.23, p95: null, p99: 2.5, max: 3, mean: 0.33 });
  });
});
