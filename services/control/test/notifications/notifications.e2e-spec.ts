/**
 * Notifications end to end: the whole service (simulated HAT, 60× time) with a webhook and an
 * ntfy channel pointing at an HTTP receiver started here. A fault injected through the
 * simulator API becomes an alarm, the alarm a notification; acknowledgements, critical
 * repeats, the admin's test command, the audit lines and the link on the diagnostics.
 */
import type { AuditRecord } from '@cryopilot/protocol';
import type TestAgent from 'supertest/lib/agent';
import { ControlView } from '../../src/control/control.facades';
import { NotificationPlanner } from '../../src/notifications/notification-planner';
import { eventually, startTestApp, TestApp } from '../support/test-app';
import { HttpReceiver } from './support/receivers';

interface Hook {
  kind: string;
  alarm: { id: string; severity: string } | null;
  by?: string;
  repeat?: number;
}

let receiver: HttpReceiver;
let app: TestApp;
let admin: TestAgent;

const hooks = (): Hook[] =>
  receiver.accepted.filter((r) => r.path === '/hook').map((r) => JSON.parse(r.body) as Hook);
const ntfy = () => receiver.accepted.filter((r) => r.path === '/phone');
const until = (condition: () => boolean, timeoutMs = 15_000) =>
  eventually(() => Promise.resolve(condition()), timeoutMs);

beforeEach(async () => {
  receiver = await HttpReceiver.start();
  app = await startTestApp({
    notifications: {
      channels: [
        {
          name: 'hook',
          kind: 'webhook',
          url: receiver.url('/hook'),
          priorities: ['critical', 'warning', 'info'],
        },
        { name: 'phone', kind: 'ntfy', url: receiver.url('/phone'), priorities: ['critical'] },
      ],
      // 60 s of simulated time: a reminder about every second of real time at 60×.
      repeatCriticalS: 60,
      retry: { initialS: 0.1, maxS: 1 },
      timeoutS: 1,
    },
  });
  admin = await app.login('admin');
});

afterEach(async () => {
  await app.close();
  await receiver.down();
});

it('a level sensor wire break reaches the webhook; its acknowledgement too, with who', async () => {
  await admin
    .post('/api/sim/fault')
    .send({ channel: 'ln2_level', fault: 'open-circuit' })
    .expect(200);
  await until(() =>
    hooks().some((h) => h.kind === 'raised' && h.alarm?.id === 'level_sensor_fault'),
  );
  // A warning: not for the phone, which takes critical alarms only.
  expect(ntfy().some((r) => r.body.includes('level_sensor_fault'))).toBe(false);

  const operator = await app.login('operator');
  await operator
    .post('/api/commands')
    .send({ name: 'alarm.ack', args: { alarmId: 'level_sensor_fault' } })
    .expect(200);
  await until(() =>
    hooks().some((h) => h.kind === 'acknowledged' && h.alarm?.id === 'level_sensor_fault'),
  );
  const ack = hooks().find((h) => h.kind === 'acknowledged')!;
  expect(ack.by).toBe('operator');
  // One notification per transition.
  expect(
    hooks().filter((h) => h.alarm?.id === 'level_sensor_fault' && h.kind === 'raised'),
  ).toHaveLength(1);

  const audit = (await admin.get('/api/audit?limit=200').expect(200)).body as AuditRecord[];
  const lines = audit.filter((r) => r.command === 'notification.send');
  expect(lines.length).toBeGreaterThanOrEqual(2);
  expect(lines[0]).toMatchObject({ source: 'service', user: 'system', ok: true });
  const diagnostics = (await admin.get('/api/diagnostics').expect(200)).body;
  expect(diagnostics.links['notify:hook']).toMatchObject({ state: 'connected' });
  expect(diagnostics.links['notify:phone']).toBeDefined();
});

it('an O2 trip: critical on both channels, repeated while unacknowledged, silent after the ack', async () => {
  // Past the O2 warm-up (60 s simulated), then the drop at sensor 1.
  await eventually(async () => {
    const state = (await admin.get('/api/state').expect(200)).body as {
      channels: { id: string; quality: string }[];
    };
    return state.channels.filter((c) => c.id.startsWith('o2')).every((c) => c.quality === 'good');
  });
  await admin.post('/api/sim/scenario').send({ name: 'o2-drop', dropToPct: 16 }).expect(200);
  await until(() => ntfy().some((r) => r.body.includes('o2_low_low')));
  const trip = ntfy().find((r) => r.body.includes('o2_low_low'))!;
  expect(trip.headers.priority).toBe('5');
  await until(() => hooks().some((h) => h.kind === 'repeat' && h.alarm?.id === 'o2_low_low'));

  await admin
    .post('/api/commands')
    .send({ name: 'alarm.ack', args: { alarmId: 'o2_low_low' } })
    .expect(200);
  await until(() => hooks().some((h) => h.kind === 'acknowledged' && h.alarm?.id === 'o2_low_low'));
  const repeats = () => hooks().filter((h) => h.kind === 'repeat' && h.alarm?.id === 'o2_low_low');
  const before = repeats().length;
  // Three repeat periods later: no reminder after the acknowledgement.
  await new Promise((r) => setTimeout(r, 3500));
  expect(repeats()).toHaveLength(before);
  expect(repeats().map((h) => h.repeat)).toEqual(Array.from({ length: before }, (_, i) => i + 1));
});

it('notifications.test: admin only; queued to the named channel or to all, then audited', async () => {
  const operator = await app.login('operator');
  const refused = await operator
    .post('/api/commands')
    .send({ name: 'notifications.test', args: {} })
    .expect(403);
  expect(refused.body.error.code).toBe('forbidden');
  const unknown = await admin
    .post('/api/commands')
    .send({ name: 'notifications.test', args: { channel: 'pager' } })
    .expect(400);
  expect(unknown.body.error.code).toBe('invalid_args');

  const one = await admin
    .post('/api/commands')
    .send({ name: 'notifications.test', args: { channel: 'phone' } })
    .expect(200);
  expect(one.body.result).toEqual({ queued: ['phone'] });
  const all = await admin
    .post('/api/commands')
    .send({ name: 'notifications.test', args: {} })
    .expect(200);
  expect(all.body.result).toEqual({ queued: ['hook', 'phone'] });
  await until(() => hooks().some((h) => h.kind === 'test'));
  await until(() => ntfy().filter((r) => r.headers.tags === 'test_tube').length === 2);
  expect(hooks().find((h) => h.kind === 'test')).toMatchObject({ by: 'admin', alarm: null });

  const audit = await eventually(async () => {
    const records = (await admin.get('/api/audit?limit=200').expect(200)).body as AuditRecord[];
    const tests = records.filter(
      (r) => r.command === 'notification.send' && (r.args as { kind?: string }).kind === 'test',
    );
    return tests.length === 3 ? tests : undefined;
  });
  expect(audit.every((r) => r.user === 'admin' && r.ok && r.source === 'service')).toBe(true);
});

it('an unreachable receiver is a link state, not a crash; the notification follows later', async () => {
  await receiver.down();
  await admin
    .post('/api/commands')
    .send({ name: 'notifications.test', args: { channel: 'hook' } })
    .expect(200);
  const down = await eventually(async () => {
    const d = (await admin.get('/api/diagnostics').expect(200)).body;
    return d.links['notify:hook']?.state === 'disconnected' ? d.links['notify:hook'] : undefined;
  });
  expect(down.detail).toMatch(/ECONNREFUSED.*retry in/);
  expect((await admin.get('/api/health')).status).toBe(200);
  const failed = await eventually(async () => {
    const records = (await admin.get('/api/audit?limit=200').expect(200)).body as AuditRecord[];
    return records.find((r) => r.command === 'notification.send' && !r.ok);
  });
  expect(failed.error).toMatchObject({ code: 'delivery_failed' });
  expect(failed.error?.message).toMatch(/kept, retrying/);
  await receiver.up();
  await until(() => hooks().some((h) => h.kind === 'test'));
});

it('a receiver that never answers times out; the control loop keeps its pace meanwhile', async () => {
  receiver.hang = true;
  const tsOf = async () => ((await admin.get('/api/state').expect(200)).body as { ts: string }).ts;
  await admin
    .post('/api/commands')
    .send({ name: 'notifications.test', args: { channel: 'hook' } })
    .expect(200);
  const before = Date.parse(await tsOf());
  const down = await eventually(async () => {
    const d = (await admin.get('/api/diagnostics').expect(200)).body;
    return d.links['notify:hook']?.state === 'disconnected' ? d.links['notify:hook'] : undefined;
  });
  expect(down.detail).toMatch(/timeout|aborted/i);
  // Samples kept coming while the request hung (100 ms period).
  expect(Date.parse(await tsOf()) - before).toBeGreaterThanOrEqual(500);
  const diagnostics = (await admin.get('/api/diagnostics').expect(200)).body;
  expect(diagnostics.controlLoop.consecutiveFailures).toBe(0);
  receiver.hang = false;
  await until(() => hooks().some((h) => h.kind === 'test'));
});

it('notifications that throw at every look at the book never stop the control loop', async () => {
  const planning = jest.spyOn(NotificationPlanner.prototype, 'next').mockImplementation(() => {
    throw new Error('bug in planning');
  });
  try {
    await admin
      .post('/api/sim/fault')
      .send({ channel: 'ln2_level', fault: 'open-circuit' })
      .expect(200);
    const view = app.app.get(ControlView);
    const before = view.health().ticks;
    await until(() => view.health().ticks > before + 20);
    expect(planning).toHaveBeenCalled();
    expect(view.health()).toMatchObject({ consecutiveFailures: 0, dead: false });
    expect(view.snapshot().valve.open).toBe(false);
  } finally {
    planning.mockRestore();
  }
});
