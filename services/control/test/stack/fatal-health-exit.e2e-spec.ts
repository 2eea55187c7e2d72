/**
 * Compose does not restart unhealthy containers: in production mode the service exits by
 * itself when the card stays unreachable, with the valve made safe first. A real process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServiceProcess } from '../support/service-process';
import { eventually } from '../support/test-app';

jest.setTimeout(60_000);

/** The built service in production mode (simulated HAT), exiting after `exitAfterDownS`. */
async function startProduction(dir: string, exitAfterDownS: number) {
  const service = await startServiceProcess(dir, {
    configYaml: `samplePeriodMs: 100\nhardware: { exitAfterDownS: ${exitAfterDownS} }\n`,
    env: { NODE_ENV: 'production' },
  });
  return {
    ...service,
    exited: service.exited.then(({ code }) => code),
    health: () => fetch(`${service.base}/api/health`),
  };
}

describe('fatal loss of health in production mode', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'cryopilot-fatal-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('exits (code 70) after trying the safe state, once the card has been unreachable for exitAfterDownS', async () => {
    const p = await startProduction(dir, 2);
    expect((await p.health()).status).toBe(200);
    const fault = await p.post('/api/sim/fault', { fault: 'card-missing' });
    expect(fault.status).toBeLessThan(300);
    const code = await p.exited;
    expect(code).toBe(70);
    // Checked once a second: 2 s, or 3 s when a check fell just short.
    expect(p.output()).toMatch(/health lost: the I\/O card has not answered for [23] s/);
    expect(p.output()).toContain('exiting so that the container is restarted');
    // The emergency stop ran (with the card gone, the valve's own fail-safe does the rest).
    expect(p.output()).toMatch(/safe state \(health lost/);
  });

  it('rides out a card outage shorter than the limit', async () => {
    const p = await startProduction(dir, 5);
    await p.post('/api/sim/fault', { fault: 'card-missing' });
    await new Promise((r) => setTimeout(r, 2000));
    await p.post('/api/sim/fault', { fault: 'none' });
    await eventually(async () => (await p.health()).status === 200, 10_000);
    await new Promise((r) => setTimeout(r, 4000));
    expect(p.child.exitCode).toBeNull();
    p.child.kill('SIGTERM');
    await p.exited;
    expect(p.output()).not.toContain('health lost');
  });
});
