/**
 * A reporting consumer (MQTT, telemetry, WebSocket, trend, links) can never stop or crash
 * the control loop: the real service in-process, with consumers that fail on purpose.
 */
import { ControlView } from '../../src/control/control.facades';
import { LinkRegistry } from '../../src/links/link-registry';
import { eventually, startTestApp, TestApp } from '../support/test-app';

let t: TestApp;
beforeEach(async () => (t = await startTestApp({ control: { supervisor: { enabled: false } } })));
afterEach(() => t.close());

const ticks = () => t.app.get(ControlView).health().ticks;

async function ticksContinue(): Promise<void> {
  const before = ticks();
  await eventually(() => Promise.resolve(ticks() > before + 10), 5000);
}

it('a tick listener that throws, or rejects, every tick', async () => {
  const control = t.app.get(ControlView);
  control.onTick('throws', () => {
    throw new Error('consumer bug');
  });
  control.onTick('rejects', () => Promise.reject(new Error('async consumer bug')));
  const seen: number[] = [];
  control.onTick('healthy', (o) => void seen.push(o.seq));
  await ticksContinue();
  expect(seen.length).toBeGreaterThan(10);
  expect(control.health().dead).toBe(false);
});

it('a link subscriber that throws (an rxjs subject, rethrown asynchronously by rxjs)', async () => {
  const links = t.app.get(LinkRegistry);
  links.changes$.subscribe(() => {
    throw new Error('links consumer bug');
  });
  links.set('telemetry', 'disconnected', 'test');
  links.set('telemetry', 'connected', 'test');
  // rxjs reports subscriber errors on a timer: give it time to fire, then check control.
  await new Promise((r) => setTimeout(r, 100));
  await ticksContinue();
  const health = await t.anonymous().get('/api/health').expect(200);
  expect(health.body.checks.controlLoop.status).toBe('ok');
});
