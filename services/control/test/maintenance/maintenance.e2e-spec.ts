/**
 * O2 sensor maintenance through the HTTP API of the real service (simulated HAT, 60× time):
 * a declared bump test with test gas, its record, roles and bad input, the due advisory, and
 * records that survive a restart.
 */
import type { AuditRecord, SensorMaintenance, StateSnapshot } from '@cryopilot/protocol';
import { sensorMaintenanceSchema } from '@cryopilot/protocol';
import type TestAgent from 'supertest/lib/agent';
import { eventually as eventuallyEvery, startTestApp, TestApp } from '../support/test-app';

/** Every 250 ms: several sessions poll from one address (see `eventually`). */
function eventually<T>(check: () => Promise<T | undefined | false>) {
  return eventuallyEvery(check, 20_000, 250);
}

jest.setTimeout(60_000);

async function maintenance(agent: TestAgent, id = 'o2_1'): Promise<SensorMaintenance> {
  const res = await agent.get(`/api/sensors/${id}/maintenance`).expect(200);
  return sensorMaintenanceSchema.parse(res.body);
}

async function state(agent: TestAgent): Promise<StateSnapshot> {
  return (await agent.get('/api/state').expect(200)).body as StateSnapshot;
}

describe('O2 sensor maintenance API', () => {
  let t: TestApp;
  afterEach(() => t?.close());

  it('a bump test: declared, test gas, ended with a passed record; the plant never trips', async () => {
    t = await startTestApp({ simulator: { initialLevelPct: 50 } });
    const operator = await t.login('operator');
    const admin = await t.login('admin');
    // Both O2 sensors past their warm-up.
    await eventually(async () =>
      (await state(operator)).channels.every((c) => c.quality === 'good'),
    );
    const started = await operator
      .post('/api/sensors/o2_1/maintenance')
      .send({ action: 'test.start', minutes: 30 })
      .expect(200);
    expect(started.body).toMatchObject({ ok: true, result: { valve: { open: false } } });
    const during = await state(operator);
    expect(during.sensorTests).toMatchObject([{ sensorId: 'o2_1', by: 'operator' }]);
    expect(during.valve.interlocks).toContain('o2_under_test');
    expect((await maintenance(operator)).underTest).toMatchObject({ sensorId: 'o2_1' });

    // 19 %vol test gas on sensor 1 (below o2_low) for a while: no alarm.
    await admin
      .post('/api/sim/scenario')
      .send({ name: 'o2-drop', dropToPct: 19, sensor: 1 })
      .expect(200);
    await eventually(async () => {
      const test = (await state(operator)).sensorTests?.[0];
      return test?.lowestPct !== null && (test?.lowestPct ?? 99) < 19.5;
    });
    await new Promise((r) => setTimeout(r, 1000)); // past o2_low's on-delay at 60×
    expect((await state(operator)).alarms.map((a) => a.id)).not.toContain('o2_low');
    // Gas off: wait for the sensor to read air again before ending the test (ending it under
    // the gas would, rightly, raise the alarms: sensor-test.e2e-spec.ts).
    await admin.post('/api/sim/scenario').send({ name: 'normal' }).expect(200);
    await eventually(async () => ((await state(operator)).channels[0].value ?? 0) > 20.5);

    const ended = await operator
      .post('/api/sensors/o2_1/maintenance')
      .send({ action: 'test.end', referenceGasPct: 19, comment: 'cylinder 42' })
      .expect(200);
    expect(ended.body.result.record).toMatchObject({
      kind: 'bump',
      by: 'operator',
      referenceGasPct: 19,
      passed: true,
      comment: 'cylinder 42',
    });
    const after = await maintenance(operator);
    expect(after.underTest).toBeNull();
    expect(after.lastBumpTest).toMatchObject({ passed: true });
    expect(after.records).toHaveLength(1);
    expect((await state(operator)).valve.interlocks).not.toContain('o2_under_test');
    expect((await state(operator)).alarms.map((a) => a.id)).toEqual([]);

    // Audited like every command.
    const audit = (await admin.get('/api/audit?limit=20').expect(200)).body as AuditRecord[];
    expect(audit.map((r) => [r.command, r.user, r.ok])).toEqual(
      expect.arrayContaining([
        ['sensor.test.start', 'operator', true],
        ['sensor.test.end', 'operator', true],
      ]),
    );
  });

  it('roles, bad input and unknown sensors get clear errors and change nothing', async () => {
    t = await startTestApp();
    const viewer = await t.login('viewer');
    const operator = await t.login('operator');
    await viewer.post('/api/sensors/o2_1/maintenance').send({ action: 'test.start' }).expect(403);
    const bad = await operator
      .post('/api/sensors/o2_1/maintenance')
      .send({ action: 'calibration', referenceGasPct: 'x' })
      .expect(400);
    expect(bad.body.error.code).toBe('invalid_args');
    const unknown = await operator
      .post('/api/sensors/o2_1/maintenance')
      .send({ action: 'explode' })
      .expect(400);
    expect(unknown.body.error.code).toBe('unknown_command');
    await operator.post('/api/sensors/o2_1/maintenance').send('not json').expect(400);
    // Installing a cell is for admins.
    await operator
      .post('/api/sensors/o2_1/maintenance')
      .send({ action: 'install', installedOn: '2026-01-01', expectedLifeMonths: 24 })
      .expect(403);
    await viewer.get('/api/sensors/ln2_level/maintenance').expect(404);
    await viewer.get('/api/sensors/nope/maintenance').expect(404);
    expect((await maintenance(viewer)).records).toEqual([]);
  });

  it('an old cell raises o2_maintenance_due (info); the records survive a restart', async () => {
    t = await startTestApp();
    const admin = await t.login('admin');
    await admin
      .post('/api/sensors/o2_2/maintenance')
      .send({ action: 'install', installedOn: '2024-01-01', expectedLifeMonths: 24 })
      .expect(200);
    const due = await maintenance(admin, 'o2_2');
    expect(due.due).toEqual(expect.arrayContaining(['end_of_life', 'bump_test', 'calibration']));
    const alarm = await eventually(async () =>
      (await state(admin)).alarms.find((a) => a.id === 'o2_maintenance_due'),
    );
    expect(alarm).toMatchObject({ severity: 'info' });
    expect((await state(admin)).valve.interlocks).not.toContain('o2_maintenance_due');

    const { dataDir } = t;
    await t.app.close();
    t = await startTestApp({}, { dataDir });
    const again = await maintenance(await t.login('viewer'), 'o2_2');
    expect(again).toMatchObject({ installedOn: '2024-01-01', expectedLifeMonths: 24 });
    expect(again.records[0]).toMatchObject({ kind: 'install', by: 'admin' });
  });
});
