/** `alarm.unshelve` over HTTP: who may, what it does to the alarm, what the audit keeps. */
import type { AuditRecord, StateSnapshot } from '@cryopilot/protocol';
import type TestAgent from 'supertest/lib/agent';
import { eventually, startTestApp, TestApp } from '../support/test-app';

let t: TestApp;
let operator: TestAgent;
let admin: TestAgent;
let viewer: TestAgent;

beforeAll(async () => {
  t = await startTestApp({ simulator: { initialLevelPct: 50 } });
  [operator, admin, viewer] = await Promise.all([
    t.login('operator'),
    t.login('admin'),
    t.login('viewer'),
  ]);
});
afterAll(() => t.close());

const state = async () => (await viewer.get('/api/state').expect(200)).body as StateSnapshot;
const command = (agent: TestAgent, body: unknown) =>
  agent.post('/api/commands').send(body as object);
/** Alarms counted as standing: not normal, not shelved (what the page counts). */
const standing = (s: StateSnapshot) =>
  s.alarms.filter((a) => a.state !== 'normal' && a.state !== 'shelved').map((a) => a.id);

it('a shelved warning comes back, annunciated, for an operator; never for a viewer', async () => {
  await admin
    .post('/api/sim/fault')
    .send({ channel: 'ln2_level', fault: 'open-circuit' })
    .expect(200);
  await eventually(async () => (await state()).alarms.some((a) => a.id === 'level_sensor_fault'));
  await command(admin, {
    name: 'alarm.shelve',
    args: { alarmId: 'level_sensor_fault', minutes: 60, comment: 'wire being replaced' },
  }).expect(200);
  const shelved = await state();
  expect(shelved.alarms.find((a) => a.id === 'level_sensor_fault')).toMatchObject({
    state: 'shelved',
    shelvedBy: 'admin',
  });
  expect(standing(shelved)).not.toContain('level_sensor_fault');

  const refused = await command(viewer, {
    id: 'unshelve-viewer',
    name: 'alarm.unshelve',
    args: { alarmId: 'level_sensor_fault' },
  }).expect(403);
  expect(refused.body).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  expect((await state()).alarms.find((a) => a.id === 'level_sensor_fault')!.state).toBe('shelved');

  const ok = await command(operator, {
    id: 'unshelve-1',
    name: 'alarm.unshelve',
    args: { alarmId: 'level_sensor_fault', comment: 'wire fixed early' },
  }).expect(200);
  expect(ok.body.result.alarm).toMatchObject({
    state: 'active-unacked',
    shelvedUntil: null,
    shelvedBy: null,
  });
  const after = await state();
  expect(standing(after)).toContain('level_sensor_fault');
  expect(after.alarms.find((a) => a.id === 'level_sensor_fault')!.state).toBe('active-unacked');

  // Not shelved any more: a second unshelve is refused with its reason.
  const again = await command(operator, {
    name: 'alarm.unshelve',
    args: { alarmId: 'level_sensor_fault' },
  }).expect(409);
  expect(again.body.error.message).toBe('level_sensor_fault is not shelved');

  const audit = (await admin.get('/api/audit?limit=50').expect(200)).body as AuditRecord[];
  expect(audit.find((r) => r.id === 'unshelve-1')).toMatchObject({
    user: 'operator',
    role: 'operator',
    command: 'alarm.unshelve',
    args: { alarmId: 'level_sensor_fault', comment: 'wire fixed early' },
    ok: true,
  });
  expect(audit.find((r) => r.id === 'unshelve-viewer')).toMatchObject({
    user: 'viewer',
    ok: false,
    error: { code: 'forbidden' },
  });
  await admin.post('/api/sim/fault').send({ fault: 'none' }).expect(200);
});

it('a critical alarm is never shelved, so never unshelved', async () => {
  const res = await command(operator, {
    name: 'alarm.unshelve',
    args: { alarmId: 'o2_low_low' },
  }).expect(409);
  expect(res.body).toMatchObject({ ok: false, error: { code: 'refused' } });
  await command(operator, { name: 'alarm.unshelve', args: { alarmId: 'nope' } }).expect(400);
});
