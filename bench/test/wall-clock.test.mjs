// @ts-check
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calibrateWallClock, wallNowMs } from '../lib/wall-clock.mjs';

describe('wall clock', () => {
  it('lands on Date.now(): never behind its floor, never a whole ms ahead', () => {
    calibrateWallClock();
    for (let i = 0; i < 1000; i++) {
      const before = Date.now();
      const fine = wallNowMs();
      const after = Date.now();
      // Date.now() is the floor of real time; allow 0.1 ms for the anchoring estimate (pinned
      // by reads at most 0.02 ms apart around two millisecond edges, even on a loaded machine).
      assert.ok(fine >= before - 0.1 && fine < after + 1.1, `${before} ≤ ${fine} < ${after + 1}`);
    }
  });

  it('has sub-millisecond resolution', () => {
    const values = new Set(Array.from({ length: 200 }, () => wallNowMs() % 1));
    assert.ok(values.size > 10);
  });
});
