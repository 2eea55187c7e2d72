import type { AuditRecord } from '@cryopilot/protocol';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from './audit-log';
import { AuditTrail } from './audit-trail';

const record = (i: number, ok: boolean): AuditRecord => ({
  ts: new Date(1_800_000_000_000 + i * 1000).toISOString(),
  id: `r${i}`,
  user: ok ? 'olga' : 'mallory',
  role: ok ? 'operator' : 'viewer',
  source: 'ws',
  command: ok ? 'setpoints.set' : 'valve.open',
  args: {},
  ok,
  ...(ok ? {} : { error: { code: 'forbidden' as const, message: 'needs the operator role' } }),
});

describe('AuditTrail', () => {
  let dir: string;
  let trail: AuditTrail;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trail-'));
    // Small bounds: a few hundred refused records rotate the refused log many times over.
    trail = new AuditTrail(
      new AuditLog({ dir, maxBytes: 4096, maxFiles: 2, cacheSize: 10 }),
      new AuditLog({ dir: join(dir, 'refused'), maxBytes: 4096, maxFiles: 2, cacheSize: 10 }),
    );
    await trail.open();
  });
  afterEach(async () => {
    await trail.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a flood of refused commands never rotates an accepted one out', async () => {
    await trail.append(record(0, true));
    for (let i = 1; i <= 500; i++) await trail.append(record(i, false));
    const all = await trail.recent(1000);
    expect(all.find((r) => r.id === 'r0')).toMatchObject({ ok: true, user: 'olga' });
    // The refused log kept only its bound: the oldest refusals are gone, not the acceptance.
    expect(all.some((r) => r.id === 'r1')).toBe(false);
  });

  it('reads both logs merged, newest first, up to the limit', async () => {
    for (let i = 0; i < 6; i++) await trail.append(record(i, i % 2 === 0));
    expect((await trail.recent(4)).map((r) => r.id)).toEqual(['r5', 'r4', 'r3', 'r2']);
  });

  it('tells subscribers about records of both logs', async () => {
    const seen: string[] = [];
    const sub = trail.appended$.subscribe((r) => seen.push(r.id));
    await trail.append(record(1, true));
    await trail.append(record(2, false));
    sub.unsubscribe();
    expect(seen).toEqual(['r1', 'r2']);
  });
});
