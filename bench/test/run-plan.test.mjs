// @ts-check
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeRunPlan, parsePeriods, parseScenarios, SCENARIOS } from '../lib/run-plan.mjs';
import { windowsFor } from '../scenarios/fanout-windows.mjs';

describe('run plan', () => {
  it('runs every scenario by default and the named ones with --scenario, in run order', () => {
    assert.deepEqual(parseScenarios([]), [...SCENARIOS]);
    assert.deepEqual(parseScenarios(['--scenario', 'page,latency']), ['latency', 'page']);
  });

  it('refuses an unknown or missing scenario name', () => {
    assert.throws(() => parseScenarios(['--scenario', 'latencies']), /unknown scenario latencies/);
    assert.throws(() => parseScenarios(['--scenario']), /needs one of/);
  });

  it('takes sample periods from BENCH_PERIODS within what the service accepts', () => {
    assert.equal(parsePeriods(undefined), undefined);
    assert.deepEqual(parsePeriods('500'), [500]);
    assert.deepEqual(parsePeriods('100, 500'), [100, 500]);
    assert.throws(() => parsePeriods('50'), /100\.\.10000/);
    assert.throws(() => parsePeriods('fast'), /100\.\.10000/);
  });

  it('makes the 20-client window at 100 ms the fixed 60 s footprint window of a full run', () => {
    const plan = makeRunPlan({ quick: false, scenarios: [...SCENARIOS] });
    assert.deepEqual(windowsFor(plan, 100), [
      { clients: 1, durationS: 20, footprint: false },
      { clients: 20, durationS: 60, footprint: true },
      { clients: 200, durationS: 20, footprint: false },
    ]);
    assert.deepEqual(
      windowsFor(plan, 500).map((w) => [w.clients, w.durationS, w.footprint]),
      [
        [1, 30, false],
        [20, 30, false],
        [200, 30, false],
      ],
    );
  });

  it('runs only the footprint window for the footprint scenario alone', () => {
    const plan = makeRunPlan({ quick: false, scenarios: ['footprint'] });
    assert.deepEqual(windowsFor(plan, 100), [{ clients: 20, durationS: 60, footprint: true }]);
    assert.deepEqual(windowsFor(plan, 500), []);
  });

  it('keeps the quick plan short', () => {
    const plan = makeRunPlan({ quick: true, scenarios: [...SCENARIOS] });
    const total = [100, 500]
      .flatMap((p) => windowsFor(plan, p))
      .reduce((s, w) => s + w.durationS, 0);
    assert.ok(total * 3 < 120, `3 systems × ${total} s of windows`);
  });
});
