// @ts-check
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  intervalDeviations,
  missingAcrossClients,
  missingSamples,
  sampleStamp,
} from '../clients/sample-message.mjs';

const TS = '2026-11-22T10:00:00.123Z';

describe('sample stamps', () => {
  it('reads the gateway sample message', () => {
    const text = JSON.stringify({ type: 'sample', seq: 7, ts: TS, channels: {}, valve: {} });
    assert.deepEqual(sampleStamp(text), { seq: 7, tsMs: Date.parse(TS) });
  });

  it('reads the MQTT telemetry forwarded unchanged by the peers', () => {
    const text = JSON.stringify({
      seq: 8,
      ts: TS,
      channels: { o2_1: 20.9 },
      quality: {},
      valve: {},
    });
    assert.deepEqual(sampleStamp(text), { seq: 8, tsMs: Date.parse(TS) });
  });

  it('ignores the other gateway messages', () => {
    assert.equal(sampleStamp(JSON.stringify({ type: 'snapshot', state: {} })), null);
    assert.equal(sampleStamp(JSON.stringify({ type: 'alarm', alarm: {} })), null);
  });

  it('fails loudly on a sample without a usable seq or ts', () => {
    assert.throws(() => sampleStamp(JSON.stringify({ type: 'sample', seq: 1.5, ts: TS })), /seq/);
    assert.throws(() => sampleStamp(JSON.stringify({ seq: 1, ts: 'yesterday' })), /ISO ts/);
    assert.throws(() => sampleStamp('"text"'), /not a JSON object/);
    assert.throws(() => sampleStamp('{'), SyntaxError);
  });
});

describe('missing samples', () => {
  it('counts the seqs of the range a client did not get', () => {
    assert.equal(missingSamples([1, 2, 4, 5], 1, 5), 1);
    assert.equal(missingSamples([3], 1, 5), 4);
    assert.equal(missingSamples([1, 1, 2], 1, 2), 0);
    assert.equal(missingSamples([0, 9], 1, 5), 5);
  });
});

describe('samples missed across the clients of a window', () => {
  it('ignores a sample at the window edge that only some clients recorded', () => {
    // The window opened during the fan-out of sample 10 and closed during that of sample 14.
    assert.equal(
      missingAcrossClients([
        [10, 11, 12, 13, 14],
        [11, 12, 13],
        [11, 12, 13, 14],
      ]),
      0,
    );
  });

  it('counts samples missing inside the common range, per client', () => {
    assert.equal(
      missingAcrossClients([
        [10, 11, 12, 13],
        [10, 13],
        [11, 12, 13],
      ]),
      2,
    );
  });

  it('counts a client that got nothing as missing everything the others saw', () => {
    assert.equal(missingAcrossClients([[5, 6, 7], []]), 3);
    assert.equal(missingAcrossClients([[], []]), 0);
  });
});

describe('sample interval deviations', () => {
  it('measures how far each interval is from the period, skipping gaps in seq', () => {
    const stamps = [
      { seq: 3, tsMs: 1200 },
      { seq: 1, tsMs: 1000 },
      { seq: 2, tsMs: 1103 },
      { seq: 5, tsMs: 1500 },
    ];
    assert.deepEqual(intervalDeviations(stamps, 100), [3, 3]);
  });
});
