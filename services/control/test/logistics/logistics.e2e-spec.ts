/**
 * Issue 12 at service level, at high time scale (the simulator's plant and every control
 * timer run 600× or 1200× faster): fills on record and in the API, consumption figures that
 * match the simulated plant, and the two early warnings raised by their simulator scenarios —
 * as ISA-18.2 alarms that never interlock. A restart during a fill is on record too.
 */
import type { Alarm, Consumption, FillRecord, StateSnapshot } from '@cryopilot/protocol';
import { consumptionSchema, fillsResponseSchema } from '@cryopilot/protocol';
import type TestAgent from 'supertest/lib/agent';
import { eventually as eventuallyEvery, startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(120_000);

/** Every 250 ms: these checks run for up to a minute and a half (see `eventually`). */
function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 30_000) {
  return eventuallyEvery(check, timeoutMs, 250);
}

async function fills(agent: TestAgent, limit = 50): Promise<FillRecord[]> {
  const res = await agent.get(`/api/fills?limit=${limit}`).expect(200);
  return fillsResponseSchema.parse(res.body).fills;
}

async function consumption(agent: TestAgent): Promise<Consumption> {
  return consumptionSchema.parse((await agent.get('/api/consumption').expect(200)).body);
}

async function alarm(agent: TestAgent, id: string): Promise<Alarm | undefined> {
  const state = (await agent.get('/api/state').expect(200)).body as StateSnapshot;
  return state.alarms.find((a) => a.id === id);
}

describe('fill history and consumption (600× time scale)', () => {
  let t: TestApp;
  let viewer: TestAgent;
  afterEach(() => t?.close());

  it('records auto fills, serves them newest first, and measures the plant drain', async () => {
    // Drain 0.1 %/min = 6 %/h; a fill (4 %/min) from 20 to 80 % takes ~15 simulated minutes.
    t = await startTestApp(
      {
        simulator: { initialLevelPct: 24, drainPctPerMin: 0.1, fillPctPerMin: 4 },
        logistics: { settleS: 120, dewarCapacityL: 100 },
      },
      { speed: 600 },
    );
    viewer = await t.login('viewer');
    const open = await eventually(async () => (await fills(viewer)).find((f) => f.end === null));
    expect(open).toMatchObject({ mode: 'auto', endedBy: null, durationS: null });
    expect(open.levelFromPct).toBeLessThan(20);
    const done = await eventually(async () => (await fills(viewer)).find((f) => f.end !== null));
    expect(done).toMatchObject({ start: open.start, mode: 'auto', endedBy: 'stop_level' });
    expect(done.levelToPct).toBeGreaterThanOrEqual(80);
    // ~15 simulated minutes, sampled every 60 simulated seconds.
    expect(done.durationS).toBeGreaterThan(10 * 60);
    expect(done.durationS).toBeLessThan(25 * 60);

    // After the settling time and half an hour of level data the rate is known: 6 %/h.
    const c = await eventually(async () => {
      const figures = await consumption(viewer);
      return figures.ratePctPerH !== null && figures.basis.rateHours >= 1 && figures;
    }, 60_000);
    expect(c.ratePctPerH).toBeGreaterThan(6 * 0.85);
    expect(c.ratePctPerH).toBeLessThan(6 * 1.15);
    expect(c.litresPerDay).toBeCloseTo((c.ratePctPerH! * 24 * 100) / 100, 1);
    const level = c.basis.levelPct!;
    expect(c.timeToEmptyS).toBeCloseTo((level / c.ratePctPerH!) * 3600, -2);
    expect(c.timeToFillStartS).toBeCloseTo(((level - 20) / c.ratePctPerH!) * 3600, -2);

    // The bad-input side: a clear 400, nothing else.
    await viewer.get('/api/fills?limit=0').expect(400);
    await viewer.get('/api/fills?limit=abc').expect(400);
    await viewer.get('/api/fills?limit=10&x=1').expect(400);
    await t.anonymous().get('/api/fills').expect(401);
    await t.anonymous().get('/api/consumption').expect(401);
  });

  it('a manual fill names its operator; a restart during a fill puts "restart" on record', async () => {
    // 60×: the longest manual open (600 s) lasts 10 s, time enough to stop the service in it.
    t = await startTestApp({ simulator: { initialLevelPct: 50 } }, { speed: 60 });
    const operator = await t.login('operator');
    await operator
      .post('/api/commands')
      .send({ name: 'mode.set', args: { mode: 'manual' } })
      .expect(200);
    await eventually(async () => {
      const res = await operator
        .post('/api/commands')
        .send({ name: 'valve.open', args: { durationS: 600 } });
      return res.status === 200;
    });
    const open = await eventually(async () => (await fills(operator)).find((f) => f.end === null));
    expect(open).toMatchObject({ mode: 'manual', user: 'operator' });
    // Stop the service while the valve is open, start it again on the same data.
    const { dataDir } = t;
    await t.app.close();
    t = await startTestApp({ simulator: { initialLevelPct: 50 } }, { speed: 60, dataDir });
    viewer = await t.login('viewer');
    const [restarted] = await fills(viewer);
    expect(restarted).toMatchObject({
      start: open.start,
      user: 'operator',
      endedBy: 'restart',
      durationS: null,
      levelToPct: null,
    });
    expect(restarted.end).not.toBeNull();
  });
});

describe('early warnings from the simulator scenarios', () => {
  let t: TestApp;
  afterEach(() => t?.close());

  it('vacuum-loss raises boiloff_high (info, no interlock) once the drain triples', async () => {
    t = await startTestApp(
      {
        // 90 %, 6 %/h: no fill for ten simulated hours.
        simulator: { initialLevelPct: 90, drainPctPerMin: 0.1 },
        logistics: {
          settleS: 0,
          boiloff: { recentH: 1, baselineH: 8, minBaselineH: 2 },
        },
      },
      { speed: 1200 },
    );
    const admin = await t.login('admin');
    // A baseline first: two simulated hours of level data before the recent hour.
    const before = await eventually(async () => {
      const c = await consumption(admin);
      return c.basis.baselinePctPerH !== null && c;
    }, 60_000);
    expect(before.basis.baselinePctPerH).toBeCloseTo(6, 0);
    expect(await alarm(admin, 'boiloff_high')).toBeUndefined();
    await admin
      .post('/api/sim/scenario')
      .send({ name: 'vacuum-loss', boiloffFactor: 3, rampH: 0.25 })
      .expect(200);
    const raised = await eventually(async () => alarm(admin, 'boiloff_high'), 60_000);
    expect(raised).toMatchObject({ severity: 'info', state: 'active-unacked', latching: false });
    // Raised at 1.5× the baseline; it holds while above 1.5 − 0.2 (the baseline catches up
    // slowly as the higher rate enters it).
    const c = await consumption(admin);
    expect(c.basis.recentPctPerH! / c.basis.baselinePctPerH!).toBeGreaterThan(1.3);
    const state = (await admin.get('/api/state').expect(200)).body as StateSnapshot;
    expect(state.valve.interlocks).toEqual([]);
  });

  it('supply-low raises supply_slow during the first slow fill, before its timeout', async () => {
    t = await startTestApp(
      {
        // Drain 1 %/min, fill 5 %/min: a normal fill takes ~15 simulated minutes.
        simulator: { initialLevelPct: 19, drainPctPerMin: 1, fillPctPerMin: 5 },
        logistics: { settleS: 0, supply: { usualFills: 3, minUsualFills: 3 } },
      },
      { speed: 600 },
    );
    const admin = await t.login('admin');
    await eventually(
      async () => (await fills(admin)).filter((f) => f.endedBy === 'stop_level').length >= 3,
      90_000,
    );
    expect(await alarm(admin, 'supply_slow')).toBeUndefined();
    // The supply dewar runs low: the next fill runs at 1 %/min net and would take an hour.
    await admin
      .post('/api/sim/scenario')
      .send({ name: 'supply-low', supplyFactor: 0.4 })
      .expect(200);
    const raised = await eventually(async () => alarm(admin, 'supply_slow'), 90_000);
    expect(raised).toMatchObject({ severity: 'info', state: 'active-unacked' });
    // Raised while the fill still runs: before fill_timeout (30 min) ended it.
    const [current] = await fills(admin);
    expect(current.end).toBeNull();
    expect(await alarm(admin, 'fill_timeout')).toBeUndefined();
    const c = await consumption(admin);
    expect(c.basis.usualFillPctPerMin).toBeGreaterThan(3);
  });
});
