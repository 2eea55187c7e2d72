import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { createApp } from '../../src/app/create-app';
import { UsersStore } from '../../src/auth/users-store';
import { SystemClock } from '../../src/clock/clock';
import { AppConfig, appConfigSchema } from '../../src/config/config.schema';
import { freePort } from './servers/local-server';

export const ADMIN_PASSWORD = 'admin-password-for-tests';
export const PASSWORD = 'a-long-enough-password';

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  dataDir: string;
  /** A logged-in agent (cookies kept) for a user of the given role. */
  login(role: 'viewer' | 'operator' | 'admin'): Promise<TestAgent>;
  anonymous(): TestAgent;
  close(): Promise<void>;
}

/**
 * The real service (simulated HAT) in-process, on a free port, with its own data directory.
 * `speed` accelerates plant and timers so O2 warm-up passes in about a second.
 */
export async function startTestApp(
  overrides: Record<string, unknown> = {},
  options: { speed?: number; dataDir?: string } = {},
): Promise<TestApp> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'cryopilot-e2e-'));
  const config = appConfigSchema().parse({
    deviceId: 'e2e',
    samplePeriodMs: 100,
    dataDir,
    // Never the default 1883: a system broker or another test run may hold it.
    mqtt: { embeddedPort: await freePort() },
    ...overrides,
  });
  const app = await createApp({
    config,
    adminPassword: ADMIN_PASSWORD,
    clock: new SystemClock(options.speed ?? 60),
    logger: false,
  });
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer();
  const users = app.get(UsersStore);
  return {
    app,
    config,
    dataDir,
    async login(role) {
      const username = role === 'admin' ? 'admin' : role;
      if (role !== 'admin' && !users.find(username)) await users.add(username, PASSWORD, role);
      const agent = request.agent(server);
      await agent
        .post('/api/auth/login')
        .send({ username, password: role === 'admin' ? ADMIN_PASSWORD : PASSWORD })
        .expect(200);
      return agent;
    },
    anonymous: () => request.agent(server),
    async close() {
      await app.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Polls `check` until it returns a truthy value (real time; the service runs on its own).
 * A check that calls the API for long should poll every 250 ms or more: the API allows 600
 * requests a minute from one address.
 */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
  intervalMs = 50,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
