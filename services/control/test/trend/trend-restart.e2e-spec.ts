/**
 * The trend's history survives a restart: the service stores a thinned copy (`trend.jsonl`)
 * with markers for fills and alarms, and the next process with the same data directory shows
 * it in `/api/trend` before any new sample could have covered that time.
 */
import { trendSchema, type Trend } from '@cryopilot/protocol';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type TestAgent from 'supertest/lib/agent';
import { eventually, startTestApp, TestApp } from '../support/test-app';

async function trend(agent: TestAgent, minutes = 15): Promise<Trend> {
  const res = await agent.get(`/api/trend?minutes=${minutes}`).expect(200);
  return trendSchema.parse(res.body);
}

describe('trend history across a restart', () => {
  let t: TestApp | undefined;
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'cryopilot-trend-'));
  });
  afterEach(() => t?.close());
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serves the pre-restart history with fill and alarm markers after a restart', async () => {
    // 600× time: an auto fill from 24 to 80 % takes ~1.4 s; one stored point every 0.5 s.
    const overrides = {
      simulator: { initialLevelPct: 24, drainPctPerMin: 0.1, fillPctPerMin: 4 },
      trend: { store: { everySeconds: 0.5 } },
    };
    t = await startTestApp(overrides, { speed: 600, dataDir });
    const admin = await t.login('admin');
    const events = async () => (await trend(admin)).events ?? [];
    await eventually(async () => (await events()).some((e) => e.kind === 'fill-end'), 30_000, 250);
    await admin.post('/api/sim/scenario').send({ name: 'o2-drop', dropToPct: 17 }).expect(200);
    await eventually(async () => (await events()).some((e) => e.kind === 'alarm'), 30_000, 250);
    const before = await trend(admin);
    const stoppedAt = Date.now();
    await t.close();
    t = undefined;

    const stored = readFileSync(join(dataDir, 'trend.jsonl'), 'utf8').trim().split('\n');
    expect(stored.length).toBeGreaterThan(3);

    t = await startTestApp(overrides, { speed: 600, dataDir });
    const viewer = await t.login('viewer');
    const after = await trend(viewer);
    const old = after.t.filter((ms) => ms <= stoppedAt);
    // The thinned copy: at least one point per stored half second of the run before.
    expect(old.length).toBeGreaterThanOrEqual(Math.floor((stoppedAt - before.t[0]) / 500) - 2);
    expect(old[0]).toBeLessThanOrEqual(before.t[0] + 1000);
    const level = after.channels.ln2_level.slice(0, old.length).filter((v) => v !== null);
    expect(Math.max(...level)).toBeGreaterThan(75); // the fill's top is there
    expect(Math.max(...after.valve.slice(0, old.length))).toBe(100);
    const kinds = (after.events ?? []).map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['fill-start', 'fill-end', 'alarm']));
    const alarm = after.events?.find((e) => e.kind === 'alarm');
    expect(alarm).toMatchObject({
      severity: expect.any(String),
      alarmId: expect.stringMatching(/^o2_/),
    });
    expect(after.events).toEqual(expect.arrayContaining(before.events ?? []));
  }, 90_000);
});
