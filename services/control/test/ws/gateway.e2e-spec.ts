/** The operator WebSocket of the real service: authentication, snapshot, samples, commands. */
import request from 'supertest';
import { UsersStore } from '../../src/auth/users-store';
import { DEFAULT_GATEWAY_LIMITS } from '../../src/gateway/gateway.limits';
import { PASSWORD, startTestApp, TestApp } from '../support/test-app';
import { LiveClient, RoleName, sessionCookie, upgradeStatus, wsUrl } from './ws-test-client';

let t: TestApp;
let url: string;
const open: LiveClient[] = [];
const cookies = {} as Record<RoleName, string>;

async function connect(role: RoleName): Promise<LiveClient> {
  const client = await LiveClient.open(url, cookies[role]);
  open.push(client);
  return client;
}

/** HTTP as admin (simulator, audit). */
const adminHttp = () => ({
  post: (path: string, body: object) =>
    request(t.app.getHttpServer()).post(path).set('cookie', cookies.admin).send(body).expect(200),
  get: (path: string) =>
    request(t.app.getHttpServer()).get(path).set('cookie', cookies.admin).expect(200),
});

beforeAll(async () => {
  t = await startTestApp({ simulator: { initialLevelPct: 50 } });
  url = wsUrl(t);
  for (const role of ['viewer', 'operator', 'admin'] as const) {
    cookies[role] = await sessionCookie(t, role);
  }
});
afterEach(() => {
  for (const client of open.splice(0)) client.close();
});
afterAll(() => t.close());

describe('upgrade', () => {
  it('is refused with HTTP 401 and no socket without a valid session cookie', async () => {
    expect(await upgradeStatus(url, {})).toBe(401);
    expect(await upgradeStatus(url, { cookie: 'cryopilot_session=forged-token' })).toBe(401);
  });

  it('is refused with 403 from a page of another origin, even with a valid cookie', async () => {
    const cookie = cookies.viewer;
    expect(await upgradeStatus(url, { cookie, origin: 'http://evil.example' })).toBe(403);
    const { port } = t.app.getHttpServer().address() as { port: number };
    expect(await upgradeStatus(url, { cookie, origin: `http://127.0.0.1:${port}` })).toBe(101);
  });

  it('disconnects a client flooding messages (1008) before they reach the bus or the audit', async () => {
    const admin = adminHttp();
    const auditBefore = (await admin.get('/api/audit?limit=1000')).body as unknown[];
    const flooder = await connect('viewer');
    await flooder.next('snapshot');
    const floodStart = performance.now();
    for (let i = 0; i < 500; i++)
      flooder.send({ type: 'command', id: `f${i}`, name: 'nope', args: {} });
    await waitFor(() => flooder.closeCode === 1008);
    // The bucket holds `messageBurst` and refills while the flood is read: on a loaded machine
    // the 500 messages may take a few hundred ms to arrive, each 200 ms one more token. Not a
    // speed check: the elapsed time only widens the bound the bucket itself allows.
    const { messageBurst, messagesPerSecond } = DEFAULT_GATEWAY_LIMITS;
    const allowed =
      messageBurst + Math.ceil(((performance.now() - floodStart) / 1000) * messagesPerSecond);
    const answered = flooder.of('command-result').length;
    expect(answered).toBeLessThanOrEqual(allowed);
    const auditAfter = (await admin.get('/api/audit?limit=1000')).body as unknown[];
    expect(auditAfter.length - auditBefore.length).toBeLessThanOrEqual(allowed);
    expect(allowed).toBeLessThan(500); // the flood itself was cut short
    // A person's pace is never limited: another client keeps working.
    const calm = await connect('operator');
    await calm.next('snapshot');
    for (let i = 0; i < 3; i++) {
      expect((await calm.command(`c${i}`, 'alarm.ack', { alarmId: 'level_low' })).id).toBe(`c${i}`);
    }
  });

  it("limits the sockets of one user (429) without touching anyone else's", async () => {
    const held: LiveClient[] = [];
    for (let i = 0; i < t.config.http.maxSocketsPerUser; i++) {
      held.push(await LiveClient.open(url, cookies.viewer));
    }
    open.push(...held);
    expect(await upgradeStatus(url, { cookie: cookies.viewer })).toBe(429);
    // Others still get in.
    expect(await upgradeStatus(url, { cookie: cookies.operator })).toBe(101);
    // One closed: room for one more.
    held[0].close();
    let status = 0;
    for (let i = 0; i < 100 && status !== 101; i++) {
      status = await upgradeStatus(url, { cookie: cookies.viewer });
      if (status !== 101) await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toBe(101);
  });

  it('closes the socket when the session ends (logout)', async () => {
    const cookie = await sessionCookie(t, 'viewer');
    const client = await LiveClient.open(url, cookie);
    open.push(client);
    await client.next('snapshot');
    await request(t.app.getHttpServer()).post('/api/auth/logout').set('cookie', cookie).expect(200);
    const result = await client.command('after-logout', 'valve.close', {});
    expect(result.error?.code).toBe('forbidden');
    await waitFor(() => client.closeCode === 4401);
  });

  it('ends the sessions of a user demoted, given a new password or removed by the users CLI', async () => {
    const login = async (username: string, password: string) => {
      const res = await request(t.app.getHttpServer())
        .post('/api/auth/login')
        .send({ username, password })
        .expect(200);
      return (res.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    };
    const service = t.app.get(UsersStore);
    // The CLI is another process with its own store on the same file.
    const cli = new UsersStore(t.config);
    await cli.open();
    await service.add('olga', PASSWORD, 'operator');
    await service.add('paul', PASSWORD, 'operator');
    await service.add('rita', PASSWORD, 'operator');
    const changes: [string, () => Promise<void>][] = [
      ['olga', () => cli.setRole('olga', 'viewer')],
      ['paul', () => cli.setPassword('paul', 'a-brand-new-password')],
      ['rita', () => cli.remove('rita')],
    ];
    for (const [user, change] of changes) {
      const cookie = await login(user, PASSWORD);
      const client = await LiveClient.open(url, cookie);
      open.push(client);
      await client.next('snapshot');
      await cli.open(); // the file as it is now (the service added users meanwhile)
      await change();
      // Within the service's one-second look at the file, and its WebSocket heartbeat.
      await waitFor(() => client.closeCode === 4401, 10_000);
      await request(t.app.getHttpServer()).get('/api/state').set('cookie', cookie).expect(401);
    }
    // Signing in again gives the new role.
    const again = await login('olga', PASSWORD);
    const session = await request(t.app.getHttpServer())
      .get('/api/auth/session')
      .set('cookie', again)
      .expect(200);
    expect(session.body).toMatchObject({ user: 'olga', role: 'viewer' });
  });
});

describe('stream', () => {
  it('starts with a snapshot (state, trend, alarms, session), then samples in sequence', async () => {
    const client = await connect('viewer');
    const snapshot = await client.next('snapshot');
    expect(client.messages[0].type).toBe('snapshot');
    expect(snapshot.session).toEqual({ user: 'viewer', role: 'viewer', commands: [] });
    expect(snapshot.state.channels.map((c) => c.id)).toEqual(['o2_1', 'o2_2', 'ln2_level']);
    expect(snapshot.trend.t.length).toBeGreaterThan(0);
    expect(snapshot.alarms.length).toBeGreaterThan(0);
    expect(snapshot.trendRetainMinutes).toBe(t.config.trend.retainMinutes);
    await waitFor(() => client.of('sample').length >= 5);
    const seqs = client.of('sample').map((s) => s.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(Object.keys(client.of('sample')[0].channels)).toEqual(['o2_1', 'o2_2', 'ln2_level']);
  });

  it('sends alarm events when a wire break is injected', async () => {
    const client = await connect('viewer');
    const admin = adminHttp();
    await admin.post('/api/sim/fault', { channel: 'ln2_level', fault: 'open-circuit' });
    try {
      const alarm = await client.next('alarm', (m) => m.alarm.id === 'level_sensor_fault');
      expect(alarm.alarm.active).toBe(true);
      const bad = await client.next('sample', (m) => m.channels.ln2_level.quality === 'bad');
      expect(bad.channels.ln2_level.value).toBeNull();
      expect(bad.valve.open).toBe(false);
    } finally {
      await admin.post('/api/sim/fault', { fault: 'none' });
    }
  });
});

describe('commands', () => {
  it('runs a command through the bus with the role of the session, audited with source ws', async () => {
    const viewer = await connect('viewer');
    const operator = await connect('operator');
    const refused = await viewer.command('v1', 'mode.set', { mode: 'manual' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const accepted = await operator.command('o1', 'mode.set', { mode: 'manual' });
    expect(accepted.ok).toBe(true);
    await viewer.next('sample', (s) => s.valve.mode === 'manual');
    await operator.command('o2', 'mode.set', { mode: 'auto' });
    const audit = (await adminHttp().get('/api/audit?limit=10')).body as Array<{
      id: string;
      source: string;
      ok: boolean;
    }>;
    expect(audit.find((r) => r.id === 'o1')).toMatchObject({ source: 'ws', ok: true });
    expect(audit.find((r) => r.id === 'v1')).toMatchObject({ source: 'ws', ok: false });
  });

  it('refuses a command whose ts is older than a few seconds (never replayed late)', async () => {
    const operator = await connect('operator');
    const old = new Date(Date.now() - 30_000).toISOString();
    const result = await operator.command('late', 'valve.close', {}, old);
    expect(result).toMatchObject({ ok: false, error: { code: 'expired' } });
  });

  it('broadcasts setpoint changes to every page', async () => {
    const viewer = await connect('viewer');
    const admin = await connect('admin');
    const result = await admin.command('sp1', 'setpoints.set', { levelLowPct: 11 });
    expect(result.ok).toBe(true);
    const event = await viewer.next('setpoints', (m) => m.setpoints.levelLowPct === 11);
    expect(event.setpoints.fillStartPct).toBe(20);
    await admin.command('sp2', 'setpoints.set', { levelLowPct: 10 });
  });
});

describe('bad input', () => {
  it('answers malformed and oversized messages with errors and keeps every client open', async () => {
    const sender = await connect('operator');
    const bystander = await connect('viewer');
    await sender.next('snapshot');
    sender.send('{"type": "command", ');
    sender.send(Buffer.from([0xde, 0xad]));
    sender.send({ type: 'subscribe', id: 'u1' });
    sender.send({
      type: 'command',
      id: 'big',
      name: 'valve.close',
      args: { pad: 'x'.repeat(5000) },
    });
    sender.send({ type: 'command', id: 'bad-args', name: 'valve.open', args: { durationS: -1 } });
    sender.send({ type: 'command', id: 'unknown', name: 'valve.explode', args: {} });
    await waitFor(() => sender.of('command-result').length >= 6);
    const codes = sender.of('command-result').map((r) => r.error?.code);
    expect(codes.sort()).toEqual(
      [
        'invalid_json',
        'invalid_json',
        'invalid_args',
        'payload_too_large',
        'invalid_args',
        'unknown_command',
      ].sort(),
    );
    expect(sender.of('command-result').find((r) => r.id === 'u1')?.error?.code).toBe(
      'invalid_args',
    );
    const before = bystander.of('sample').length;
    await waitFor(() => bystander.of('sample').length > before + 3);
    expect(sender.closeCode).toBeNull();
    expect(bystander.closeCode).toBeNull();
    const stillWorks = await sender.command('after', 'valve.close', {});
    expect(stillWorks.ok).toBe(true);
  });

  it('closes only the sender of a frame above the hard limit (1009), others keep going', async () => {
    const sender = await connect('operator');
    const bystander = await connect('viewer');
    await sender.next('snapshot');
    sender.send('x'.repeat(200 * 1024));
    await waitFor(() => sender.closeCode !== null);
    expect(sender.closeCode).toBe(1009);
    const before = bystander.of('sample').length;
    await waitFor(() => bystander.of('sample').length > before + 3);
    expect(bystander.closeCode).toBeNull();
  });
});

async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
