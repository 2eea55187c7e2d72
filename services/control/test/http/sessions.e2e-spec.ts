/**
 * Sessions survive a restart, and wall displays sign in with a revocable key (issue 11: after a
 * restart the screen at the room door showed only a sign-in form).
 */
import * as argon2 from 'argon2';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { ADMIN_PASSWORD, startTestApp, TestApp } from '../support/test-app';

let dataDir: string;
let app: TestApp | null = null;
beforeAll(() => (dataDir = mkdtempSync(join(tmpdir(), 'sessions-e2e-'))));
afterAll(async () => {
  await app?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The `name=value` of the session cookie a response set. */
const cookieOf = (res: request.Response) =>
  ([res.headers['set-cookie']].flat()[0] ?? '').split(';')[0];

const restart = async () => {
  await app?.close();
  app = await startTestApp({}, { dataDir });
};
const get = (path: string, cookie: string) =>
  request(app!.app.getHttpServer()).get(path).set('Cookie', cookie);
const post = (path: string, body: unknown, cookie?: string) => {
  const req = request(app!.app.getHttpServer()).post(path);
  return (cookie ? req.set('Cookie', cookie) : req).send(body as object);
};

it('a signed-in browser is still signed in after the service restarts', async () => {
  await restart();
  const admin = await post('/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
  const cookie = cookieOf(admin);
  expect(cookie).toMatch(/^cryopilot_session=/);
  await get('/api/state', cookie).expect(200);
  await restart();
  await get('/api/state', cookie).expect(200);
  await post('/api/auth/logout', {}, cookie).expect(200);
  await restart();
  await get('/api/state', cookie).expect(401); // signed out before it: stays out
});

it('a display key signs a screen in read-only, again after a restart, until it is revoked', async () => {
  await restart();
  const admin = cookieOf(
    await post('/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD }),
  );
  const created = await post('/api/auth/display-keys', { name: 'door' }, admin).expect(201);
  const key = (created.body as { key: string }).key;
  expect(key).toMatch(/^[A-Za-z0-9_-]{40,}$/);
  await post('/api/auth/display-keys', { name: 'door' }, admin).expect(409);
  await post('/api/auth/display-keys', { name: 'bad name!' }, admin).expect(400);
  const listed = await get('/api/auth/display-keys', admin).expect(200);
  expect(JSON.stringify(listed.body)).not.toContain(key); // shown once, never again
  expect(listed.body).toMatchObject({ keys: [{ name: 'door', createdBy: 'admin' }] });

  await post('/api/auth/display', { key: 'not-a-key' }).expect(401);
  const signedIn = await post('/api/auth/display', { key }).expect(200);
  expect(signedIn.body).toEqual({ user: 'display:door', role: 'viewer', commands: [] });
  const screen = cookieOf(signedIn);
  await get('/api/state', screen).expect(200);
  // Read-only: no command, no admin page.
  await post('/api/commands', { name: 'valve.close' }, screen).expect(403);
  await get('/api/auth/display-keys', screen).expect(403);

  await restart();
  await get('/api/state', screen).expect(200);
  await post('/api/auth/display', { key }).expect(200); // the page signs in again by itself

  const adminAgain = cookieOf(
    await post('/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD }),
  );
  await request(app!.app.getHttpServer())
    .delete('/api/auth/display-keys/door')
    .set('Cookie', adminAgain)
    .expect(200);
  await get('/api/state', screen).expect(401); // its sessions end with the key
  await post('/api/auth/display', { key }).expect(401);
});

it('a password hash from before issue 13 signs in, is re-made with m = 7 MiB, t = 5, and signs nobody out', async () => {
  // The data folder of an older version: argon2id at m = 19 MiB, t = 2, and a browser signed
  // in against that hash (sessions.json keeps the token's hash and the user's stamp).
  const oldDir = mkdtempSync(join(tmpdir(), 'sessions-e2e-old-'));
  const oldOptions = {
    type: argon2.argon2id,
    memoryCost: 19_456,
    timeCost: 2,
    parallelism: 1,
  } as const;
  const oldHash = await argon2.hash(ADMIN_PASSWORD, oldOptions);
  const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');
  const token = randomBytes(32).toString('base64url');
  const now = Date.now();
  writeFileSync(
    join(oldDir, 'users.json'),
    JSON.stringify({ users: [{ username: 'admin', role: 'admin', hash: oldHash }] }),
  );
  writeFileSync(
    join(oldDir, 'sessions.json'),
    JSON.stringify({
      sessions: [
        {
          id: sha256(token),
          user: 'admin',
          role: 'admin',
          expiresAt: now + 3600_000,
          endsAt: now + 3600_000,
          stamp: `admin:${sha256(oldHash)}`,
        },
      ],
    }),
  );
  const storedHash = () =>
    (JSON.parse(readFileSync(join(oldDir, 'users.json'), 'utf8')) as { users: { hash: string }[] })
      .users[0].hash;
  let old: Awaited<ReturnType<typeof startTestApp>> | null = null;
  try {
    old = await startTestApp({}, { dataDir: oldDir });
    const server = old.app.getHttpServer();
    const earlier = `cryopilot_session=${token}`;
    await request(server).get('/api/state').set('Cookie', earlier).expect(200);

    await request(server)
      .post('/api/auth/login')
      .send({ username: 'admin', password: 'wrong-password-here' })
      .expect(401);
    expect(storedHash()).toBe(oldHash);

    const signedIn = await request(server)
      .post('/api/auth/login')
      .send({ username: 'admin', password: ADMIN_PASSWORD })
      .expect(200);
    expect(storedHash()).toMatch(/^\$argon2id\$v=19\$/);
    expect(storedHash().split('$')[3].split(',').sort()).toEqual(['m=7168', 'p=1', 't=5']);
    await request(server).get('/api/state').set('Cookie', cookieOf(signedIn)).expect(200);
    await request(server).get('/api/state').set('Cookie', earlier).expect(200); // still in

    await old.close();
    old = await startTestApp({}, { dataDir: oldDir });
    await request(old.app.getHttpServer()).get('/api/state').set('Cookie', earlier).expect(200);
    await request(old.app.getHttpServer())
      .post('/api/auth/login')
      .send({ username: 'admin', password: ADMIN_PASSWORD })
      .expect(200);
  } finally {
    await old?.close();
    rmSync(oldDir, { recursive: true, force: true });
  }
});
