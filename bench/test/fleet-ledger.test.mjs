// @ts-check
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeliveryLedger, assignEdges, channelLines, telemetryPayload } from '../fleet/ledger.mjs';

test('loss counts each sent seq once, whatever arrives twice or was never sent', () => {
  const ledger = new DeliveryLedger();
  for (const seq of [1, 2, 3, 4]) ledger.recordSent('a', seq);
  for (const seq of [1, 2]) ledger.recordSent('b', seq);
  ledger.recordReceived('a', 1, 10);
  ledger.recordReceived('a', 1, 50); // QoS 1 redelivery: not a second arrival
  ledger.recordReceived('a', 3, 30);
  ledger.recordReceived('b', 1, 20);
  ledger.recordReceived('b', 2, 40);
  ledger.recordReceived('c', 1, 5); // never sent
  const s = ledger.summary();
  assert.equal(s.sent, 6);
  assert.equal(s.received, 4);
  assert.equal(s.lost, 2);
  assert.equal(s.lossPct, 33.333);
  assert.equal(s.devicesWithLoss, 1);
  assert.equal(s.duplicates, 1);
  assert.equal(s.unexpected, 1);
  assert.equal(ledger.complete, false);
  // Latency of first arrivals only: 10, 30, 20, 40.
  assert.deepEqual([s.latencyMs.p50, s.latencyMs.p95, s.latencyMs.max], [20, 40, 40]);
});

test('a complete run has no loss and an empty run no division by zero', () => {
  const empty = new DeliveryLedger();
  assert.equal(empty.summary().lossPct, 0);
  assert.equal(empty.complete, true);
  const ledger = new DeliveryLedger();
  ledger.recordSent('a', 7);
  ledger.recordReceived('a', 7, 3);
  assert.equal(ledger.complete, true);
});

test('devices are spread evenly over the edge brokers', () => {
  const edges = assignEdges(10, 3);
  assert.deepEqual(edges, [0, 1, 2, 0, 1, 2, 0, 1, 2, 0]);
  assert.throws(() => assignEdges(10, 0), RangeError);
});

test('payload and lines follow the contract (docs/interfaces.md)', () => {
  const sample = telemetryPayload(3, Date.UTC(2026, 10, 30, 1, 2, 3, 456));
  assert.equal(sample.ts, '2026-11-30T01:02:03.456Z');
  assert.deepEqual(Object.keys(sample.channels), ['o2_1', 'o2_2', 'ln2_level']);
  const lines = channelLines('dev-1', sample);
  assert.equal(lines.length, 3);
  assert.match(
    lines[0],
    /^channel,device=dev-1,channel=o2_1,unit=%vol value=[\d.]+,quality="good",seq=3i 1796000523456000000$/,
  );
});
