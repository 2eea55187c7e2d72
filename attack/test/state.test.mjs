// @ts-check
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fingerprint, fingerprintChanges } from '../lib/state.mjs';

const snapshot = (/** @type {Record<string, any>} */ over = {}) => ({
  mode: 'manual',
  valve: { open: false, output: 0, manualUntil: null },
  setpoints: { fillStartPct: 20, o2LowLowPct: 18 },
  alarms: [],
  ...over,
});

test('nothing changed, nothing reported', () => {
  assert.deepEqual(fingerprintChanges(fingerprint(snapshot()), fingerprint(snapshot())), []);
});

test('mode, valve, setpoints and human alarm actions are changes', () => {
  const after = snapshot({
    mode: 'auto',
    valve: { open: true, output: 100, manualUntil: '2026-01-01T00:00:00.000Z' },
    setpoints: { fillStartPct: 21, o2LowLowPct: 18 },
    alarms: [
      {
        id: 'o2_low',
        ackedBy: 'viewer',
        ackComment: null,
        shelvedBy: null,
        shelvedUntil: null,
        state: 'active-acked',
      },
    ],
  });
  const changes = fingerprintChanges(fingerprint(snapshot()), fingerprint(after));
  assert.equal(changes.length, 6);
  assert.ok(changes.includes('mode: manual → auto'));
  assert.ok(changes.includes('setpoints.fillStartPct: 20 → 21'));
  assert.ok(changes.some((c) => c.startsWith('alarm o2_low:')));
});

test('an alarm the plant raises, nobody touched, is not a change', () => {
  const after = snapshot({
    alarms: [
      {
        id: 'level_low',
        ackedBy: null,
        ackComment: null,
        shelvedBy: null,
        shelvedUntil: null,
        state: 'active-unacked',
      },
    ],
  });
  assert.deepEqual(fingerprintChanges(fingerprint(snapshot()), fingerprint(after)), []);
});
