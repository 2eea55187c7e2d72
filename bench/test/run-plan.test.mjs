// @ts-check
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeRunPlan, parsePeriods, parseScenarios, SCENARIOS } from '../lib/run-plan.mjs';
import { costPhasesFor } from '../scenarios/cost-windows.mjs';
import { windowsFor } from '../scenarios/fanout-windows.mjs';

describe('run plan', () => {
  it('runs every scenario by default and the named ones with --scenario, in run order', () => {
    assert.deepEqual(parseScenarios([]), [...SCENARIOS]);
    assert.deepEqual(parseScenarios(['--scenario', 'page,latency']), ['latency', 'page']);
    assert.deepEqual(parseScenarios(['--scenario', 'storage,cpu']), ['cpu', 'storage']);
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

  it('measures CPU at both periods with 5 clients, and storage (traced) at 500 ms only', () => {
    const plan = makeRunPlan({ quick: false, scenarios: [...SCENARIOS] });
    assert.deepEqual(costPhasesFor(plan, 100), {
      clients: 5,
      cpuS: 20,
      straceS: 0,
      cryopilotStraceS: 0,
    });
    // CryoPilot's storage window (traced) is one trend-store batch interval: 300 s.
    assert.deepEqual(costPhasesFor(plan, 500), {
      clients: 5,
      cpuS: 50,
      straceS: 40,
      cryopilotStraceS: 300,
    });
    const storageOnly = makeRunPlan({ quick: false, scenarios: ['storage'] });
    assert.equal(costPhasesFor(storageOnly, 100), null);
    // The untraced part comes first even alone: the bytes are counted over both parts.
    assert.deepEqual(costPhasesFor(storageOnly, 500), {
      clients: 5,
      cpuS: 50,
      straceS: 40,
      cryopilotStraceS: 300,
    });
    assert.equal(costPhasesFor(makeRunPlan({ quick: false, scenarios: ['latency'] }), 500), null);
  });

  it('keeps the quick plan short', () => {
    const plan = makeRunPlan({ quick: true, scenarios: [...SCENARIOS] });
    const total = [100, 500]
      .flatMap((p) => {
        const cost = costPhasesFor(plan, p);
        return [
          ...windowsFor(plan, p).map((w) => 3 * w.durationS),
          cost ? 2 * (cost.cpuS + cost.straceS) + cost.cpuS + cost.cryopilotStraceS : 0,
        ];
      })
      .reduce((s, d) => s + d, 0);
    assert.ok(total < 150, `${total} s of windows for the three systems`);
  });
});
