/** The real service, driven over HTTP: authentication, roles, commands, bad input. */
import type { StateSnapshot } from '@cryopilot/protocol';
import { COMMAND_NAMES, healthSchema, stateSnapshotSchema, trendSchema } from '@cryopilot/protocol';
import type TestAgent from 'supertest/lib/agent';
import { ADMIN_PASSWORD, eventually, PASSWORD, startTestApp, TestApp } from './support/test-app';

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
  // Past start-up and O2 warm-up (60 s at speed 60).
  await eventually(async () => {
    const s = (await viewer.get('/api/state')).body as StateSnapshot;
    return s.channels.every((c) => c.quality === 'good');
  });
});
afterAll(() => t.close());

const state = async () => (await viewer.get('/api/state').expect(200)).body as StateSnapshot;
const command = (agent: TestAgent, body: unknown) =>
  agent.post('/api/commands').send(body as object);

describe('read API', () => {
  it('GET /api/health is public and healthy; details (addresses, errors) for signed-in users only', async () => {
    const res = await t.anonymous().get('/api/health').expect(200);
    expect(healthSchema.parse(res.body)).toMatchObject({
      status: 'ok',
      checks: { hardware: { status: 'ok' } },
    });
    const checks = Object.values((res.body as { checks: Record<string, object> }).checks);
    expect(checks.every((c) => Object.keys(c).join() === 'status')).toBe(true);
    const signedIn = (await viewer.get('/api/health').expect(200)).body as {
      checks: Record<string, { detail?: string }>;
    };
    // The link states' details (here: MQTT's broker, telemetry off) and the disk's figures.
    expect(signedIn.checks.storage.detail).toMatch(/free of/);
    expect(signedIn.checks.telemetry.detail).toBeDefined();
  });

  it('GET /api/diagnostics never shows where the data lives on the Pi', async () => {
    const res = await viewer.get('/api/diagnostics').expect(200);
    expect(JSON.stringify(res.body)).not.toContain(t.dataDir);
    expect((res.body as { disk: object }).disk).toMatchObject({ freeMb: expect.any(Number) });
  });

  it('GET /api/state needs a session and matches the contract', async () => {
    await t.anonymous().get('/api/state').expect(401);
    const s = stateSnapshotSchema.parse(await state());
    expect(s.deviceId).toBe('e2e');
    expect(s.channels.map((c) => c.id)).toEqual(['o2_1', 'o2_2', 'ln2_level']);
    // Labels per language from the config (the page picks by its language).
    expect(s.channels.map((c) => c.labels?.fr)).toEqual([
      'Capteur O2 1',
      'Capteur O2 2',
      'Niveau LN2',
    ]);
    expect(s.valve.mode).toBe('auto');
  });

  it('GET /api/trend returns thinned history and validates minutes', async () => {
    const res = await viewer.get('/api/trend?minutes=5').expect(200);
    const trend = trendSchema.parse(res.body);
    expect(trend.t.length).toBeGreaterThan(5);
    expect(trend.channels.ln2_level).toHaveLength(trend.t.length);
    await viewer.get('/api/trend?minutes=0').expect(400);
    await viewer.get('/api/trend?minutes=abc').expect(400);
    await viewer.get('/api/trend?minutes=5&x=1').expect(400);
  });

  it('GET /api/diagnostics reports the card without touching it', async () => {
    const res = await viewer.get('/api/diagnostics').expect(200);
    expect(res.body.hardware).toMatchObject({
      firmware: '04.11',
      address: '0x50',
      driver: 'simulated',
    });
    expect(res.body.hardware.i2c.failures).toBe(0);
  });

  it('login failures are 401 and the session cookie is HttpOnly and SameSite=Strict', async () => {
    await t
      .anonymous()
      .post('/api/auth/login')
      .send({ username: 'admin', password: 'wrong-password' })
      .expect(401);
    const res = await t
      .anonymous()
      .post('/api/auth/login')
      .send({ username: 'admin', password: 'admin-password-for-tests' })
      .expect(200);
    // The session names the commands the role allows: the page holds no role rules.
    expect(res.body).toEqual({ user: 'admin', role: 'admin', commands: COMMAND_NAMES });
    expect(res.headers['set-cookie'][0]).toMatch(/HttpOnly/);
    expect(res.headers['set-cookie'][0]).toMatch(/SameSite=Strict/);
  });
});

describe('sign-in under attack', () => {
  it('refuses an account after its failure budget (429, Retry-After); other accounts still sign in', async () => {
    const app = await startTestApp({ http: { loginFailuresPerAccount: 3 } });
    try {
      await app.login('operator'); // creates the user
      const attempt = (username: string, password: string) =>
        app.anonymous().post('/api/auth/login').send({ username, password });
      for (let i = 0; i < 3; i++) await attempt('operator', 'not-the-password').expect(401);
      const locked = await attempt('operator', PASSWORD).expect(429);
      expect(locked.headers['retry-after']).toMatch(/^\d+$/);
      expect(locked.body).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
      await attempt('admin', ADMIN_PASSWORD).expect(200);
    } finally {
      await app.close();
    }
  });
});

describe('malformed bodies under attack', () => {
  it('are answered before Nest throttles anything, so they are limited per address (429), without side effects', async () => {
    const app = await startTestApp();
    try {
      const agent = await app.login('operator');
      const codes: number[] = [];
      for (let i = 0; i < 80; i++) {
        const res = await agent
          .post('/api/commands')
          .set('content-type', 'application/json')
          .send('{"name": "mode.set",');
        codes.push(res.status);
      }
      expect(codes.filter((c) => c === 400)).toHaveLength(60);
      expect(codes.slice(60).every((c) => c === 429)).toBe(true);
      // Only the answered ones were audited (as refused); well-formed requests still work.
      const admin = await app.login('admin');
      const audit = (await admin.get('/api/audit?limit=1000').expect(200)).body as unknown[];
      expect(audit.length).toBeLessThanOrEqual(62);
      await agent.get('/api/state').expect(200);
    } finally {
      await app.close();
    }
  });
});

describe('commands over HTTP', () => {
  it('refuses a state-changing request from a page of another origin (403), changing nothing', async () => {
    const before = await state();
    const other = await operator
      .post('/api/commands')
      .set('origin', 'http://evil.example')
      .send({ name: 'mode.set', args: { mode: before.mode === 'auto' ? 'manual' : 'auto' } })
      .expect(403);
    expect(other.body).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await admin.post('/api/auth/logout').set('origin', 'null').expect(403);
    expect((await state()).mode).toBe(before.mode);
    // Reading is not state-changing; the page's own origin and scripts without Origin pass.
    await operator.get('/api/state').set('origin', 'http://evil.example').expect(200);
    const { port } = t.app.getHttpServer().address() as { port: number };
    await command(operator, { name: 'alarm.ack', args: { alarmId: 'level_low' } })
      .set('origin', `http://127.0.0.1:${port}`)
      .expect((res) => expect(res.status).not.toBe(403));
  });

  it('refuses commands without a session, and viewers, with forbidden', async () => {
    const anon = await command(t.anonymous(), {
      name: 'mode.set',
      args: { mode: 'manual' },
    }).expect(401);
    expect(anon.body).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const res = await command(viewer, {
      id: 'v1',
      name: 'mode.set',
      args: { mode: 'manual' },
    }).expect(403);
    expect(res.body).toMatchObject({ id: 'v1', ok: false, error: { code: 'forbidden' } });
    expect((await state()).mode).toBe('auto');
  });

  it('operator: manual mode, timed open, close', async () => {
    await command(operator, { id: 'm1', name: 'mode.set', args: { mode: 'manual' } }).expect(200);
    const open = await command(operator, {
      id: 'o1',
      name: 'valve.open',
      args: { durationS: 600 },
    }).expect(200);
    expect(open.body).toMatchObject({
      id: 'o1',
      ok: true,
      result: { valve: { open: true, mode: 'manual' } },
    });
    expect((await state()).valve.open).toBe(true);
    const close = await command(operator, { id: 'c1', name: 'valve.close', args: {} }).expect(200);
    expect(close.body.result.valve.open).toBe(false);
    await command(operator, { name: 'mode.set', args: { mode: 'auto' } }).expect(200);
  });

  it('valve.open is refused in auto mode', async () => {
    const res = await command(operator, { name: 'valve.open', args: {} }).expect(409);
    expect(res.body.error.code).toBe('refused');
  });

  it('setpoints.set: admin only, validated as a whole, persisted', async () => {
    await command(operator, { name: 'setpoints.set', args: { fillStartPct: 25 } }).expect(403);
    const bad = await command(admin, { name: 'setpoints.set', args: { fillStartPct: 85 } }).expect(
      400,
    );
    // The problem located on its field, for the form (combination checked by the store).
    expect(bad.body.error).toMatchObject({
      code: 'invalid_args',
      message: expect.stringContaining('fillStopPct'),
      fields: { fillStopPct: 'must be > fillStartPct' },
    });
    // A range problem (checked by the command's argument schema) is located too.
    const outOfRange = await command(admin, {
      name: 'setpoints.set',
      args: { o2LowPct: 25, minOffS: -1 },
    }).expect(400);
    expect(Object.keys(outOfRange.body.error.fields as object).sort()).toEqual([
      'minOffS',
      'o2LowPct',
    ]);
    expect((await state()).setpoints.fillStartPct).toBe(20);
    const ok = await command(admin, { name: 'setpoints.set', args: { fillStartPct: 25 } }).expect(
      200,
    );
    expect(ok.body.result.setpoints.fillStartPct).toBe(25);
    expect((await state()).setpoints.fillStartPct).toBe(25);
  });

  it('trip settings: never through setpoints.set, within hard limits, confirmed and audited', async () => {
    const refused = await command(admin, {
      name: 'setpoints.set',
      args: { o2LowLowPct: 18.5 },
    }).expect(400);
    expect(refused.body.error.message).toContain('o2LowLowPct: a safety trip setting');
    await command(admin, {
      name: 'trips.set',
      args: { o2LowLowPct: 18.5, reason: 'new sensor' },
    }).expect(400);
    await command(operator, {
      name: 'trips.set',
      args: { o2LowLowPct: 18.5, confirm: true, reason: 'new sensor' },
    }).expect(403);
    for (const args of [{ o2LowLowPct: 0 }, { levelHighHighPct: 100 }, { maxFillS: 14_400 }]) {
      const res = await command(admin, {
        name: 'trips.set',
        args: { ...args, confirm: true, reason: 'trying to disable a trip' },
      }).expect(400);
      expect(res.body.error.message).toContain('a hard safety limit');
    }
    expect((await state()).setpoints).toMatchObject({
      o2LowLowPct: 18,
      levelHighHighPct: 95,
      maxFillS: 1800,
    });
    const ok = await command(admin, {
      id: 'trip-change-1',
      name: 'trips.set',
      args: { o2LowLowPct: 18.5, confirm: true, reason: 'site rule: evacuate at 18.5' },
    }).expect(200);
    expect(ok.body.result.setpoints.o2LowLowPct).toBe(18.5);
    const audit = (await admin.get('/api/audit?limit=50').expect(200)).body as Array<{
      id: string;
      changes?: unknown;
      args: unknown;
    }>;
    expect(audit.find((r) => r.id === 'trip-change-1')).toMatchObject({
      changes: { o2LowLowPct: { from: 18, to: 18.5 } },
      args: { reason: 'site rule: evacuate at 18.5', confirm: true },
    });
    await command(admin, {
      name: 'trips.set',
      args: { o2LowLowPct: 18, confirm: true, reason: 'back to the default' },
    }).expect(200);
  });

  it.each([
    [{ name: 'valve.explode', args: {} }, 400, 'unknown_command'],
    [{ name: 'mode.set', args: { mode: 'turbo' } }, 400, 'invalid_args'],
    [{ name: 'mode.set', args: { mode: 'auto', extra: 1 } }, 400, 'invalid_args'],
    [{ name: 'valve.open', args: { durationS: -5 } }, 400, 'invalid_args'],
    [{ name: 'setpoints.set', args: {} }, 400, 'invalid_args'],
    [{ name: 'alarm.ack', args: { alarmId: 'no_such_alarm' } }, 400, 'invalid_args'],
    [
      { name: 'alarm.shelve', args: { alarmId: 'o2_low_low', minutes: 5, comment: 'x' } },
      409,
      'refused',
    ],
    [{ name: 42 }, 400, 'invalid_args'],
    [[1, 2, 3], 400, 'invalid_args'],
    [{ name: 'mode.set', args: { mode: 'auto' }, ts: '2020-01-01T00:00:00.000Z' }, 410, 'expired'],
  ])('%j → %s %s, nothing changes', async (body, status, code) => {
    const before = await state();
    const res = await command(admin, body).expect(status);
    expect(res.body).toMatchObject({ ok: false, error: { code } });
    const after = await state();
    expect(after.mode).toBe(before.mode);
    expect(after.setpoints).toEqual(before.setpoints);
  });

  it('malformed JSON → 400 invalid_json; oversized body → 413 payload_too_large', async () => {
    const bad = await operator
      .post('/api/commands')
      .set('content-type', 'application/json')
      .send('{"name": "mode.set",')
      .expect(400);
    expect(bad.body).toMatchObject({ ok: false, error: { code: 'invalid_json' } });
    const huge = JSON.stringify({
      name: 'mode.set',
      args: { mode: 'auto', pad: 'x'.repeat(20_000) },
    });
    const big = await operator
      .post('/api/commands')
      .set('content-type', 'application/json')
      .send(huge)
      .expect(413);
    expect(big.body).toMatchObject({ ok: false, error: { code: 'payload_too_large' } });
  });

  it('survives 500 random and malformed commands: one error each, no crash, valve unchanged', async () => {
    const before = await state();
    const junk = (i: number): unknown => {
      const pick = [
        { name: 'mode.set', args: { mode: i } },
        { name: 'valve.open', args: { durationS: 'x'.repeat(i % 50) } },
        { name: String.fromCharCode(i % 256), args: null },
        { id: i, name: 'valve.open' },
        { name: 'alarm.reset', args: { alarmId: `a${i}`.repeat(30) } },
        { name: 'setpoints.set', args: { maxFillS: -i } },
        { __proto__: { name: 'mode.set' } },
        `"${i}"`,
        null,
      ];
      return pick[i % pick.length];
    };
    for (let i = 0; i < 500; i++) {
      const res = await command(operator, junk(i));
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body.ok).toBe(false);
    }
    await t.anonymous().get('/api/health').expect(200);
    const after = await state();
    expect(after.valve.open).toBe(before.valve.open);
    expect(after.mode).toBe(before.mode);
  });

  it('concurrent commands from several senders each get exactly one result, in one queue', async () => {
    await command(operator, { name: 'mode.set', args: { mode: 'manual' } }).expect(200);
    const bodies = Array.from({ length: 30 }, (_, i) =>
      i % 2
        ? { id: `c${i}`, name: 'valve.close', args: {} }
        : { id: `c${i}`, name: 'valve.open', args: { durationS: 60 } },
    );
    const results = await Promise.all(bodies.map((b, i) => command(i % 3 ? operator : admin, b)));
    expect(results.map((r) => r.body.id)).toEqual(bodies.map((b) => b.id));
    expect(results.every((r) => r.body.ok === true)).toBe(true);
    await command(operator, { name: 'valve.close', args: {} }).expect(200);
    await command(operator, { name: 'mode.set', args: { mode: 'auto' } }).expect(200);
  });
});

describe('audit', () => {
  it('records every command, accepted or refused, for admins only', async () => {
    await viewer.get('/api/audit').expect(403);
    await operator.get('/api/audit').expect(403);
    const res = await admin.get('/api/audit?limit=1000').expect(200);
    const records = res.body as Array<{
      user: string;
      command: string;
      ok: boolean;
      source: string;
      error?: { code: string };
    }>;
    expect(records.length).toBeGreaterThan(500);
    expect(records.every((r) => r.source === 'http')).toBe(true);
    expect(records).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          user: 'viewer',
          command: 'mode.set',
          ok: false,
          error: expect.objectContaining({ code: 'forbidden' }),
        }),
        expect.objectContaining({ user: 'operator', command: 'valve.open', ok: true }),
        expect.objectContaining({ user: 'operator', command: '(unparsed)', ok: false }),
      ]),
    );
    await admin.get('/api/audit?limit=5000').expect(400);
  });
});

describe('simulator API', () => {
  it('is admin only', async () => {
    await operator
      .post('/api/sim/fault')
      .send({ channel: 'ln2_level', fault: 'open-circuit' })
      .expect(403);
    await admin.post('/api/sim/fault').send({ channel: 'nope', fault: 'open-circuit' }).expect(400);
    await admin.post('/api/sim/fault').send({ fault: 'stuck' }).expect(400);
  });

  it('an injected level wire break shows bad quality and raises level_sensor_fault', async () => {
    await admin
      .post('/api/sim/fault')
      .send({ channel: 'ln2_level', fault: 'open-circuit' })
      .expect(200);
    const s = await eventually(async () => {
      const snap = await state();
      return snap.alarms.some((a) => a.id === 'level_sensor_fault') && snap;
    });
    expect(s.channels.find((c) => c.id === 'ln2_level')).toMatchObject({
      quality: 'bad',
      value: null,
    });
    expect(s.valve.open).toBe(false);
    await admin.post('/api/sim/fault').send({ fault: 'none' }).expect(200);
    const ack = await command(operator, {
      name: 'alarm.ack',
      args: { alarmId: 'level_sensor_fault', comment: 'wire fixed' },
    }).expect(200);
    expect(ack.body.result.alarm.ackedBy).toBe('operator');
  });

  it('reads and sets plant parameters', async () => {
    const res = await admin.post('/api/sim/plant').send({ levelPct: 42 }).expect(200);
    expect(res.body.params.levelPct).toBe(42);
    await admin.post('/api/sim/plant').send({ levelPct: 420 }).expect(400);
    await admin.post('/api/sim/scenario').send({ name: 'o2-leak', leakPctPerMin: 0.1 }).expect(200);
    await admin.post('/api/sim/scenario').send({ name: 'normal' }).expect(200);
  });

  it('answers 400 (never 500) to options the simulator refuses, and changes nothing', async () => {
    const before = (await admin.get('/api/sim/plant').expect(200)).body as object;
    // `sensor` applies to o2-drop only: the plant model refuses it for o2-leak.
    const res = await admin
      .post('/api/sim/scenario')
      .send({ name: 'o2-leak', sensor: 2 })
      .expect(400);
    expect(res.body).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/sensor/) },
    });
    // A time scale so slow that no timer would fire for hours is refused too.
    await admin.post('/api/sim/plant').send({ speed: 1e-300 }).expect(400);
    await admin.post('/api/sim/plant').send({ speed: 0.05 }).expect(400);
    const after = (await admin.get('/api/sim/plant').expect(200)).body as Record<string, unknown>;
    expect(after.scenario).toEqual((before as Record<string, unknown>).scenario);
    expect(after.speed).toEqual((before as Record<string, unknown>).speed);
  });
});

describe('unknown routes', () => {
  it('answer 404 in the API error shape', async () => {
    const res = await viewer.get('/api/nope').expect(404);
    expect(res.body).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
