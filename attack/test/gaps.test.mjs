// @ts-check
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gapFigures } from '../lib/gaps.mjs';

/** @param {[number, number, boolean?][]} rows seq, ts, valve open */
const samples = (rows) => rows.map(([seq, tsMs, valveOpen = false]) => ({ seq, tsMs, valveOpen }));

test('on-time samples have gaps of one period', () => {
  const f = gapFigures(
    samples([
      [1, 0],
      [2, 100],
      [3, 200],
      [4, 300],
    ]),
    100,
  );
  assert.deepEqual(f, { samples: 4, missing: 0, maxGapMs: 100, lateTicks: 0, valveOpenSamples: 0 });
});

test('a late tick shows as a long gap; gaps across missing samples do not count', () => {
  const f = gapFigures(
    samples([
      [1, 0],
      [2, 537],
      [3, 600],
      [6, 2000],
      [7, 2100, true],
    ]),
    100,
  );
  assert.equal(f.maxGapMs, 537);
  assert.equal(f.lateTicks, 1);
  assert.equal(f.missing, 2);
  assert.equal(f.valveOpenSamples, 1);
});

test('arrival order and duplicates do not matter', () => {
  const f = gapFigures(
    samples([
      [3, 200],
      [1, 0],
      [2, 100],
      [2, 100],
    ]),
    100,
  );
  assert.equal(f.maxGapMs, 100);
  assert.equal(f.samples, 4);
});
