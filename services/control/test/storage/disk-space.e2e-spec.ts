/**
 * A data disk that fills up is seen before writes fail: the service on a real 8 MiB tmpfs,
 * filled by another writer, raises `disk_space_low` and degrades health; space back, it clears.
 */
import type { Health, StateSnapshot } from '@cryopilot/protocol';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeOnSmallFilesystem, mountSmallFilesystem } from '../support/small-filesystem';
import { eventually, startTestApp, TestApp } from '../support/test-app';

describeOnSmallFilesystem('data disk almost full (tmpfs, 8 MiB)', () => {
  let fs: ReturnType<typeof mountSmallFilesystem>;
  let app: TestApp;
  let admin: Awaited<ReturnType<TestApp['login']>>;
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

  // Signed in: the public health has statuses only, no details.
  const health = async () => (await admin.get('/api/health')).body as Health;
  const diskAlarm = async () => {
    const state = (await admin.get('/api/state').expect(200)).body as StateSnapshot;
    return state.alarms.find((a) => a.id === 'disk_space_low');
  };

  it('raises disk_space_low and degrades health below the limit, clears with room again', async () => {
    expect((await health()).checks.storage).toMatchObject({ status: 'ok' });
    const filler = join(fs.path, 'filler');
    writeFileSync(filler, Buffer.alloc(5 * 1024 * 1024)); // leaves < 3 MiB of 8
    await eventually(async () => (await health()).checks.storage.status === 'degraded', 10_000);
    const h = await health();
    expect(h.status).toBe('degraded');
    expect(h.checks.storage.detail).toMatch(/^data disk almost full: \d+\.\d MB free of 8\.0 MB$/);
    expect(h.checks.storage.detail).not.toContain(fs.path); // no paths, even signed in
    await eventually(async () => (await diskAlarm())?.active === true, 10_000);
    // The control loop is unaffected.
    expect(h.checks.controlLoop.status).toBe('ok');
    rmSync(filler);
    await eventually(async () => (await health()).checks.storage.status === 'ok', 10_000);
    await eventually(async () => (await diskAlarm())?.active === false, 10_000);
  });
});
