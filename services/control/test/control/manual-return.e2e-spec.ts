/**
 * Manual mode's optional return to auto (`manualAutoReturnS`, issue 11) through the real
 * service: announced in the valve state, carried out by the service on its own, on record in
 * the audit trail, and auto then fills a low dewar with its interlocks as ever.
 */
import type { AuditRecord, StateSnapshot } from '@cryopilot/protocol';
import type TestAgent from 'supertest/lib/agent';
import { eventually, startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(60_000);

const state = async (agent: TestAgent) =>
  (await agent.get('/api/state').expect(200)).body as StateSnapshot;
const command = (agent: TestAgent, name: string, args: object) =>
  agent.post('/api/commands').send({ name, args });

describe('manual mode returns to auto after manualAutoReturnS', () => {
  let t: TestApp;
  afterEach(() => t?.close());

  it('announces the return, carries it out, audits it, and auto fills again', async () => {
    // 60×: the 300 s limit passes in about 5 s; the dewar (15 %) is below fill start (20 %).
    t = await startTestApp(
      { setpoints: { manualAutoReturnS: 300 }, simulator: { initialLevelPct: 15 } },
      { speed: 60 },
    );
    const operator = await t.login('operator');
    await eventually(
      async () => !(await state(operator)).valve.interlocks.includes('startup'),
      20_000,
      250,
    );
    expect((await command(operator, 'mode.set', { mode: 'manual' })).body).toMatchObject({
      ok: true,
    });
    const manual = await state(operator);
    expect(manual.valve).toMatchObject({ mode: 'manual', open: false });
    expect(Date.parse(manual.valve.autoReturnAt ?? '')).toBeGreaterThan(Date.parse(manual.ts));

    const back = await eventually(
      async () => {
        const s = await state(operator);
        return s.valve.mode === 'auto' && s;
      },
      30_000,
      250,
    );
    expect(back.valve.autoReturnAt).toBeNull();
    await eventually(async () => (await state(operator)).valve.open, 20_000, 250);

    const admin = await t.login('admin');
    const audit = (await admin.get('/api/audit?limit=50').expect(200)).body as AuditRecord[];
    expect(audit).toContainEqual(
      expect.objectContaining({
        user: 'system',
        source: 'service',
        command: 'mode.set',
        ok: true,
        args: { mode: 'auto', automatic: true, manualAutoReturnS: 300 },
      }),
    );
  });

  it('is off by default, and a limit under a minute is refused with the field named', async () => {
    t = await startTestApp({}, { speed: 60 });
    const admin = await t.login('admin');
    expect((await state(admin)).setpoints.manualAutoReturnS).toBe(0);
    const refused = await command(admin, 'setpoints.set', { manualAutoReturnS: 30 });
    expect(refused.body).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_args',
        message: expect.stringMatching(/manualAutoReturnS: must be 0 .* or >= 60 s/),
      },
    });
    await command(admin, 'mode.set', { mode: 'manual' }).expect(200);
    const s = await state(admin);
    expect(s.valve).toMatchObject({ mode: 'manual', autoReturnAt: null });
  });
});
