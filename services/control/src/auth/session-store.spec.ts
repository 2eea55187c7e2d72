import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DisplayKeys } from './display-keys';
import { SESSION_IDLE_MS, SESSION_MAX_MS, SessionStore } from './session-store';
import type { UsersStore } from './users-store';

/** Users as the session store sees them: a stamp per user (role and password). */
function users(stamps: Record<string, string | null>): UsersStore {
  return {
    sessionStamp: (name: string) => stamps[name] ?? null,
    onHashUpgrade: () => undefined,
  } as unknown as UsersStore;
}

describe('SessionStore', () => {
  const t0 = 1_800_000_000_000;

  it('slides with activity, ends after the idle time', () => {
    const store = new SessionStore(users({ ann: 'operator:h1' }));
    const { token } = store.create('ann', 'operator', t0);
    expect(store.get(token, t0 + SESSION_IDLE_MS - 1)).not.toBeNull();
    expect(store.get(token, t0 + 2 * SESSION_IDLE_MS - 2)).not.toBeNull();
    expect(store.get(token, t0 + 3 * SESSION_IDLE_MS)).toBeNull();
    expect(store.get(token, t0 + 2 * SESSION_IDLE_MS - 2)).toBeNull(); // gone for good
  });

  it('ends at the absolute limit however active the user is', () => {
    const store = new SessionStore(users({ ann: 'operator:h1' }));
    const { token } = store.create('ann', 'operator', t0);
    for (let t = t0; t < t0 + SESSION_MAX_MS; t += 3600_000) {
      expect(store.get(token, t)).not.toBeNull();
    }
    expect(store.get(token, t0 + SESSION_MAX_MS)).toBeNull();
  });

  it('ends when the role or the password changed, or the user was removed', () => {
    const stamps: Record<string, string | null> = {
      ann: 'operator:h1',
      bob: 'operator:h1',
      eve: 'admin:h9',
    };
    const store = new SessionStore(users(stamps));
    const ann = store.create('ann', 'operator', t0);
    const bob = store.create('bob', 'operator', t0);
    const eve = store.create('eve', 'admin', t0);
    stamps.ann = 'viewer:h1'; // demoted
    stamps.bob = 'operator:h2'; // new password
    stamps.eve = null; // removed
    expect(store.get(ann.token, t0 + 1)).toBeNull();
    expect(store.get(bob.token, t0 + 1)).toBeNull();
    expect(store.get(eve.token, t0 + 1)).toBeNull();
    // Signing in again gives a session with the new role.
    expect(store.create('ann', 'viewer', t0 + 2)).toMatchObject({ role: 'viewer' });
  });

  it('a user unknown at sign-in never gets a usable session', () => {
    const store = new SessionStore(users({}));
    const { token } = store.create('ghost', 'admin', t0);
    expect(store.get(token, t0)).toBeNull();
  });

  it('unknown and missing tokens are no session; logout ends one', () => {
    const store = new SessionStore(users({ ann: 'operator:h1' }));
    expect(store.get(undefined, t0)).toBeNull();
    expect(store.get('nope', t0)).toBeNull();
    const { token } = store.create('ann', 'operator', t0);
    store.delete(token);
    expect(store.get(token, t0)).toBeNull();
  });
});

describe('SessionStore across restarts', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sessions-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const open = async (stamps: Record<string, string | null>, displays?: DisplayKeys) => {
    const store = new SessionStore(users(stamps), displays, { dataDir: dir });
    await store.onModuleInit();
    return store;
  };
  const settle = async (store: SessionStore) => store.onApplicationShutdown();

  it('keeps sessions through a restart, by the hash of their token only', async () => {
    const first = await open({ ann: 'operator:h1', bob: 'viewer:h2' });
    const ann = first.create('ann', 'operator');
    const bob = first.create('bob', 'viewer');
    await settle(first);
    const text = readFileSync(join(dir, 'sessions.json'), 'utf8');
    expect(text).not.toContain(ann.token);
    expect(statSync(join(dir, 'sessions.json')).mode & 0o777).toBe(0o600);

    // Bob was removed while the service was down: only Ann is still signed in.
    const second = await open({ ann: 'operator:h1' });
    expect(second.get(ann.token)).toMatchObject({ user: 'ann', role: 'operator' });
    expect(second.get(bob.token)).toBeNull();
    second.delete(ann.token);
    await settle(second);
    const third = await open({ ann: 'operator:h1' });
    expect(third.get(ann.token)).toBeNull(); // signed out before the restart: stays out
    await settle(third);
  });

  it('a display session ends when its key is revoked', async () => {
    const keys: Record<string, string | null> = { door: 'display:k1' };
    const displays = { stamp: (name: string) => keys[name] ?? null } as unknown as DisplayKeys;
    const store = await open({}, displays);
    const door = store.create('display:door', 'viewer');
    expect(store.get(door.token)).toMatchObject({ user: 'display:door', role: 'viewer' });
    keys.door = null;
    expect(store.get(door.token)).toBeNull();
    await settle(store);
  });
});
