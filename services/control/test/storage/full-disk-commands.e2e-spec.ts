/**
 * Commands on a full data disk (issue 16): a setting that cannot be saved answers
 * `storage_full` and changes nothing; once the audit runs on its reserve, only the commands
 * that make the plant safe (valve.close, alarm.ack) still run, each of them audited; with
 * space back, everything runs again and the audit holds every accepted command.
 */
import type { AuditRecord, CommandResult, StateSnapshot } from '@cryopilot/protocol';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  describeOnSmallFilesystem,
  fillDisk,
  mountSmallFilesystem,
} from '../support/small-filesystem';
import { startTestApp, TestApp } from '../support/test-app';

describeOnSmallFilesystem('commands on a full data disk (tmpfs, 8 MiB)', () => {
  let fs: ReturnType<typeof mountSmallFilesystem>;
  let app: TestApp;
  let admin: Awaited<ReturnType<TestApp['login']>>;
  const filler = () => join(fs.path, 'filler');
  beforeAll(async () => {
    fs = mountSmallFilesystem('8m');
    app = await startTestApp(
      { storage: { minFreeMb: 4, checkIntervalS: 1 } },
      { dataDir: join(fs.path, 'data') },
    );
    admin = await app.login('admin'); // once: logins are rate-limited
  });
  afterAll(async () => {
    await app?.close();
    fs.unmount();
  });

  const command = async (name: string, args: Record<string, unknown> = {}) => {
    const res = await admin.post('/api/commands').send({ name, args });
    return { status: res.status, body: res.body as CommandResult };
  };
  const state = async () => (await admin.get('/api/state').expect(200)).body as StateSnapshot;
  const audited = async () =>
    ((await admin.get('/api/audit?limit=100').expect(200)).body as AuditRecord[]).filter(
      (r) => r.ok,
    );

  it('refuses what it cannot save or audit, runs what makes the plant safe, records it all', async () => {
    const before = await state();
    fillDisk(filler());

    // A setting that cannot be written: a clear code, nothing changed.
    const setpoints = await command('setpoints.set', {
      fillStartPct: before.setpoints.fillStartPct + 1,
    });
    expect(setpoints.status).toBe(507);
    expect(setpoints.body).toMatchObject({
      ok: false,
      error: { code: 'storage_full', message: expect.stringContaining('nothing changed') },
    });
    expect((await state()).setpoints).toEqual(before.setpoints);

    // Accepted commands until the audit file itself is refused (what is left of its last
    // page takes a few lines); from then on only the safe ones run, each on the record.
    let refusal: CommandResult | null = null;
    const accepted: string[] = [];
    for (let i = 0; i < 40 && refusal === null; i++) {
      const mode = i % 2 === 0 ? 'manual' : 'auto';
      const result = await command('mode.set', { mode });
      if (result.body.ok) accepted.push(result.body.id);
      else refusal = result.body;
    }
    expect(refusal).toMatchObject({ error: { code: 'storage_full' } });
    expect(refusal && !refusal.ok && refusal.error.message).toMatch(
      /mode\.set cannot be audited.*valve\.close and alarm\.ack still work/,
    );
    const close = await command('valve.close');
    expect(close.status).toBe(200);
    accepted.push(close.body.id);
    const modeBefore = (await state()).valve.mode;
    expect(
      (await command('mode.set', { mode: modeBefore === 'auto' ? 'manual' : 'auto' })).status,
    ).toBe(507);
    expect((await state()).valve.mode).toBe(modeBefore);

    const diagnostics = (await admin.get('/api/diagnostics').expect(200)).body as {
      audit: { reserve: { inUse: boolean; usedBytes: number } };
    };
    expect(diagnostics.audit.reserve).toMatchObject({ inUse: true });
    expect(diagnostics.audit.reserve.usedBytes).toBeGreaterThan(0);
    const ids = (await audited()).map((r) => r.id);
    for (const id of accepted) expect(ids).toContain(id);

    // Space back: the next command tries the log file again (at most every 5 s) and runs.
    rmSync(filler());
    await new Promise((r) => setTimeout(r, 5_500));
    const again = await command('mode.set', { mode: 'auto' });
    expect(again.status).toBe(200);
    accepted.push(again.body.id);
    const after = (await audited()).map((r) => r.id);
    for (const id of accepted) expect(after).toContain(id);
  }, 30_000);
});
