/**
 * Hazard "valve stuck open by a software hang", at process level: the real service (built
 * `dist/main.js`, simulated HAT) and its loop supervisor process. Also: a reporting link that
 * fails (malformed MQTT TLS files) never stops control.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/servers/local-server';
import { startServiceProcess } from '../support/service-process';
import { supervisorsOf } from '../support/supervisor-processes';
import { eventually } from '../support/test-app';

jest.setTimeout(60_000);

const SUPERVISED = 'samplePeriodMs: 100\ncontrol: { supervisor: { staleAfterS: 2 } }\n';

describe('the loop supervisor (a process outside the event loop)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'cryopilot-supervisor-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['bus-hang', 'a bus call that never returns (the loop waits for ever)'],
    ['bus-block', 'a bus call that blocks the thread (the event loop stops)'],
  ])('kills the service after %s: %s', async (fault) => {
    const service = await startServiceProcess(dir, { configYaml: SUPERVISED });
    expect((await service.post('/api/sim/fault', { fault })).status).toBeLessThan(300);
    const { signal } = await service.exited;
    expect(signal).toBe('SIGKILL');
    expect(service.output()).toMatch(/control loop stalled: no completed tick for \d+ ms/);
    expect(service.output()).toContain('the simulated card lives in the service and stops with it');
  });

  it('stays quiet while the loop completes its ticks, through a card outage too', async () => {
    const service = await startServiceProcess(dir, { configYaml: SUPERVISED });
    expect(supervisorsOf(service.child.pid!)).toHaveLength(1);
    // A missing card is a hardware fault the loop handles (safe state, alarm): ticks complete.
    await service.post('/api/sim/fault', { fault: 'card-missing' });
    await new Promise((r) => setTimeout(r, 4000));
    expect(service.child.exitCode).toBeNull();
    await service.stop();
    // Disarmed by the orderly stop: gone with the service, and silent.
    expect(supervisorsOf(service.child.pid!)).toEqual([]);
    expect(service.output()).not.toContain('[LoopSupervisor]');
  });

  it('a service killed from outside: its supervisor says so, acts and ends', async () => {
    const service = await startServiceProcess(dir, { configYaml: SUPERVISED });
    const pid = service.child.pid!;
    expect(supervisorsOf(pid)).toHaveLength(1);
    service.child.kill('SIGKILL');
    await service.exited;
    await eventually(() => Promise.resolve(supervisorsOf(pid).length === 0), 5000);
    expect(service.output()).toContain(
      `the service (process ${pid}) ended without an orderly stop`,
    );
    expect(service.output()).toContain('the simulated card lives in the service');
  });
});

describe('a reporting link never stops control', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'cryopilot-tls-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('malformed MQTT TLS files: the link reports them and retries, the loop keeps running', async () => {
    writeFileSync(
      join(dir, 'key.pem'),
      '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n',
    );
    writeFileSync(join(dir, 'cert.pem'), 'not a certificate');
    const service = await startServiceProcess(dir, {
      configYaml: `samplePeriodMs: 100\nmqtt: { tls: { cert: ${join(dir, 'cert.pem')}, key: ${join(dir, 'key.pem')} } }\n`,
      env: { MQTT_URL: `mqtts://127.0.0.1:${await freePort()}` },
    });
    const health = async () =>
      (await (await service.get('/api/health')).json()) as {
        checks: { mqtt: { detail?: string }; controlLoop: { status: string; ticks?: number } };
      };
    await eventually(
      async () => /TLS files unusable/.test((await health()).checks.mqtt.detail ?? ''),
      10_000,
    );
    const ticks = async () =>
      ((await (await service.get('/api/diagnostics')).json()) as { controlLoop: { ticks: number } })
        .controlLoop.ticks;
    const ticksBefore = await ticks();
    // The old crash came ~11 s in (a stale connect timer threw): outlive several attempts.
    await new Promise((r) => setTimeout(r, 13_000));
    expect(service.child.exitCode).toBeNull();
    expect(await ticks()).toBeGreaterThan(ticksBefore + 50);
    await service.stop();
  });
});
