// @ts-check
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseProbeLines } from '../systems/probe-log.mjs';

describe('probe log', () => {
  it('parses complete lines, keeps hrtime exact as bigint, leaves a half-written line', () => {
    const text =
      '{"kind":"scenario","name":"o2-drop","hrNs":"123456789012345678","wallMs":1}\n' +
      '{"kind":"valve","fraction":0,"hrNs":"123456789112345678","inputReadHrNs":"123456789100000000","wallMs":2}\n' +
      '{"kind":"val';
    const events = parseProbeLines(text);
    assert.equal(events.length, 2);
    assert.equal(events[0].hrNs, 123456789012345678n);
    assert.equal(events[1].kind, 'valve');
    assert.equal(events[1].hrNs - events[0].hrNs, 100_000_000n);
    assert.equal(events[1].kind === 'valve' && events[1].inputReadHrNs, 123456789100000000n);
  });

  it('rejects a line without a timestamp', () => {
    assert.throws(() => parseProbeLines('{"kind":"valve"}\n'), /without hrNs/);
  });
});
