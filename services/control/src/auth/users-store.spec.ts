import * as argon2 from 'argon2';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SessionStore } from './session-store';
import { UsersStore } from './users-store';

/** The parameters of hashes stored before issue 13 (OWASP's 19 MiB, t = 2). */
const OLD_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;
const PASSWORD = 'a-long-password';

/** Variant and parameters of an encoded hash (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`). */
function paramsOf(hash: string | undefined): Record<string, string> {
  const [, variant, version, params] = (hash ?? '').split('$');
  const fields = Object.fromEntries((params ?? '').split(',').map((kv) => kv.split('=')));
  return { variant, version, ...fields } as Record<string, string>;
}
const CURRENT = { variant: 'argon2id', version: 'v=19', m: '7168', t: '5', p: '1' };
const OLD = { variant: 'argon2id', version: 'v=19', m: '19456', t: '2', p: '1' };

describe('UsersStore password hashes', () => {
  let dataDir: string;
  const file = () => join(dataDir, 'users.json');
  const storedHash = (username: string) => {
    const { users } = JSON.parse(readFileSync(file(), 'utf8')) as {
      users: { username: string; hash: string }[];
    };
    return users.find((u) => u.username === username)?.hash;
  };
  const open = async () => {
    const store = new UsersStore({ dataDir });
    await store.open();
    return store;
  };
  /** A users file as an older version of the service wrote it. */
  const writeOldUsers = async () => {
    const users = [
      { username: 'ann', role: 'operator', hash: await argon2.hash(PASSWORD, OLD_OPTIONS) },
      { username: 'bob', role: 'admin', hash: await argon2.hash(PASSWORD, OLD_OPTIONS) },
    ];
    writeFileSync(file(), JSON.stringify({ users }), { mode: 0o600 });
  };

  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'cryopilot-users-store-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('makes new hashes with argon2id, m = 7 MiB, t = 5, p = 1', async () => {
    const store = await open();
    await store.add('ann', PASSWORD, 'operator');
    expect(paramsOf(storedHash('ann'))).toEqual(CURRENT);
    await store.setPassword('ann', 'another-long-password');
    expect(paramsOf(storedHash('ann'))).toEqual(CURRENT);
    expect(await store.verify('ann', 'another-long-password')).not.toBeNull();
  });

  it('still verifies a hash made with the old parameters, and re-hashes it on that sign-in', async () => {
    await writeOldUsers();
    const store = await open();
    const before = readFileSync(file(), 'utf8');
    expect(paramsOf(storedHash('ann'))).toEqual(OLD);

    // A wrong password neither signs in nor touches the stored hash.
    expect(await store.verify('ann', 'not-the-password')).toBeNull();
    expect(readFileSync(file(), 'utf8')).toBe(before);

    expect(await store.verify('ann', PASSWORD)).toEqual({ username: 'ann', role: 'operator' });
    expect(paramsOf(storedHash('ann'))).toEqual(CURRENT);
    expect(paramsOf(storedHash('bob'))).toEqual(OLD); // others wait for their sign-in
    // The upgraded hash works, also for a fresh reader (the users CLI, a restart).
    expect(await store.verify('ann', PASSWORD)).not.toBeNull();
    expect(await (await open()).verify('ann', PASSWORD)).not.toBeNull();
    expect(await (await open()).verify('ann', 'not-the-password')).toBeNull();
  });

  it('does not re-hash a current hash at sign-in', async () => {
    const store = await open();
    await store.add('ann', PASSWORD, 'operator');
    const hash = storedHash('ann');
    expect(await store.verify('ann', PASSWORD)).not.toBeNull();
    expect(storedHash('ann')).toBe(hash);
  });

  it('keeps the sessions granted against the old hash (same password, same role)', async () => {
    await writeOldUsers();
    const store = await open();
    const sessions = new SessionStore(store);
    const earlier = sessions.create('ann', 'operator');
    const other = sessions.create('bob', 'admin');
    const stampBefore = store.sessionStamp('ann');

    expect(await store.verify('ann', PASSWORD)).not.toBeNull();
    expect(store.sessionStamp('ann')).not.toBe(stampBefore); // the hash did change
    expect(sessions.get(earlier.token)).toMatchObject({ user: 'ann', role: 'operator' });
    expect(sessions.get(other.token)).toMatchObject({ user: 'bob' });

    // A real password change still ends them.
    await store.setPassword('ann', 'another-long-password');
    expect(sessions.get(earlier.token)).toBeNull();
  });

  it('leaves a hash alone that the users CLI changed while the sign-in ran', async () => {
    await writeOldUsers();
    const store = await open();
    // The CLI (another process) sets a new password between the check and the upgrade.
    const cli = await open();
    const verifying = store.verify('ann', PASSWORD);
    await cli.setPassword('ann', 'set-by-the-cli-password');
    await verifying;
    expect(await (await open()).verify('ann', 'set-by-the-cli-password')).not.toBeNull();
  });
});
