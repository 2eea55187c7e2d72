import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app/create-app';
import { UsersStore } from '../../src/auth/users-store';
import { SystemClock } from '../../src/clock/clock';
import { appConfigSchema } from '../../src/config/config.schema';
import { ControlLoopService } from '../../src/control/control-loop.service';
import { freePort } from '../support/servers/local-server';

/**
 * design/safety.md: "drive the valve to the safe state before anything else". On a first start
 * two slow things come with start-up — the admin password's hash (argon2id) and the collection
 * that drops start-up garbage (release-start-up-memory.ts) — and both must wait for the safe
 * state; the collection must come before the hash (whose 7 MiB it makes room for) and before
 * the first tick. The real application, in-process, with a stand-in for `gc()` that records
 * what had happened when it ran.
 */
describe('start-up order (first start, simulated HAT)', () => {
  let app: INestApplication | null = null;
  const dataDir = mkdtempSync(join(tmpdir(), 'cryopilot-start-up-order-'));
  const exposedGc = globalThis.gc;

  afterAll(async () => {
    globalThis.gc = exposedGc;
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('valve safe, then the start-up collection, then the admin hash and the first tick', async () => {
    const config = appConfigSchema().parse({
      deviceId: 'start-up-order',
      samplePeriodMs: 100,
      dataDir,
      mqtt: { embeddedPort: await freePort() },
    });
    const built = await createApp({
      config,
      adminPassword: 'admin-password-for-tests',
      clock: new SystemClock(1),
      logger: false,
    });
    app = built;
    const control = built.get(ControlLoopService);
    const users = built.get(UsersStore);
    const seen: Array<{ valveOutput: number; adminExists: boolean; lastSeq: number }> = [];
    globalThis.gc = ((): void => {
      // Throws "control loop not initialised" if the collection came before the loop's start.
      const valve = control.valveState();
      seen.push({
        valveOutput: valve.output,
        adminExists: users.find('admin') !== null,
        lastSeq: control.lastSeq(),
      });
    }) as NodeJS.GCFunction;

    await built.init();

    expect(seen).toEqual([{ valveOutput: 0, adminExists: false, lastSeq: 0 }]);
    expect(users.find('admin')).not.toBeNull();
  });
});
