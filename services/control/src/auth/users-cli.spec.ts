import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/config.loader';
import { CliIo, runUsersCli } from './users-cli';
import { UsersStore } from './users-store';

describe('users CLI', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let out: string[];
  let err: string[];
  /** Standard input of the next run (`--password-stdin`) and answers to hidden prompts. */
  let stdin: string;
  let prompts: string[];
  const io: CliIo = {
    promptHidden: () => {
      const answer = prompts.shift();
      if (answer === undefined) return Promise.reject(new Error('no terminal for the prompt'));
      return Promise.resolve(answer);
    },
    readStdin: () => Promise.resolve(stdin),
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  };
  const run = (...argv: string[]) => runUsersCli(argv, io, env);
  const store = async () => {
    const s = new UsersStore(loadConfig(env));
    await s.open();
    return s;
  };

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'cryopilot-users-'));
    env = { DATA_DIR: dataDir, DEVICE_ID: 'cli-test' };
    out = [];
    err = [];
    stdin = '';
    prompts = [];
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('adds a user with a password from standard input, hashed with argon2id', async () => {
    stdin = 'a-long-password\n';
    expect(await run('add', 'bob', 'operator', '--password-stdin')).toBe(0);
    const s = await store();
    expect(await s.verify('bob', 'a-long-password')).toEqual({ username: 'bob', role: 'operator' });
    const file = readFileSync(join(dataDir, 'users.json'), 'utf8');
    expect(file).toContain('$argon2id$');
    expect(file).not.toContain('a-long-password');
  });

  it('asks twice at the hidden prompt and refuses different answers', async () => {
    prompts = ['first-password', 'other-password'];
    expect(await run('add', 'eve', 'viewer')).toBe(1);
    expect(err.join()).toMatch(/differ/);
    prompts = ['same-password', 'same-password'];
    expect(await run('add', 'eve', 'viewer')).toBe(0);
    expect((await store()).find('eve')).toEqual({ username: 'eve', role: 'viewer' });
  });

  it('changes a password and a role; the old password stops working', async () => {
    stdin = 'first-password';
    await run('add', 'ann', 'viewer', '--password-stdin');
    stdin = 'second-password';
    expect(await run('set-password', 'ann', '--password-stdin')).toBe(0);
    expect(await run('set-role', 'ann', 'admin')).toBe(0);
    const s = await store();
    expect(await s.verify('ann', 'first-password')).toBeNull();
    expect(await s.verify('ann', 'second-password')).toEqual({ username: 'ann', role: 'admin' });
    await run('list');
    expect(out).toContain('ann\tadmin');
  });

  it.each([
    [['add', 'bob'], 64, /takes 2/],
    [['add', 'bob', 'superuser'], 64, /unknown role/],
    [['delete', 'bob'], 64, /unknown command/],
    [['constructor', 'x', 'y'], 64, /unknown command: constructor/],
    [['toString'], 64, /unknown command: toString/],
    [['remove'], 64, /takes 1/],
    [['remove', 'nobody'], 1, /no user nobody/],
    [[], 64, /unknown command/],
    [['set-role', 'nobody', 'admin'], 1, /no user nobody/],
    [['set-password', 'nobody', '--password-stdin'], 1, /no user nobody/],
    [['add', 'bad name!', 'viewer', '--password-stdin'], 1, /letters, digits/],
  ])('refuses %p with exit code %p', async (argv, code, message) => {
    stdin = 'a-long-password';
    expect(await run(...argv)).toBe(code);
    expect(err.join('\n')).toMatch(message);
    // A sentence for a person: no JSON, no stack, no JavaScript internals.
    expect(err.join('\n')).not.toMatch(/[{[]\s*"|\n\s+at |native code|function /);
  });

  it.each([
    ['short', /too short \(at least 12/],
    ['            ', /only whitespace/],
    ['maximilian12', /not be the user name/],
    ['x'.repeat(257), /too long \(at most 256/],
  ])('refuses the password %p for maximilian12, adding nobody', async (password, message) => {
    stdin = password;
    expect(await run('add', 'maximilian12', 'viewer', '--password-stdin')).toBe(1);
    expect(err.join()).toMatch(message);
    expect((await store()).find('maximilian12')).toBeNull();
  });

  it('accepts the longest password login accepts, and login accepts it too', async () => {
    stdin = 'y'.repeat(256);
    expect(await run('add', 'longpw', 'viewer', '--password-stdin')).toBe(0);
    expect(await (await store()).verify('longpw', 'y'.repeat(256))).not.toBeNull();
  });

  it('refuses short passwords and duplicate users, changing nothing', async () => {
    stdin = 'short';
    expect(await run('add', 'bob', 'viewer', '--password-stdin')).toBe(1);
    stdin = 'a-long-password';
    expect(await run('add', 'bob', 'viewer', '--password-stdin')).toBe(0);
    expect(await run('add', 'bob', 'admin', '--password-stdin')).toBe(1);
    expect(err.join()).toMatch(/exists/);
    expect((await store()).find('bob')?.role).toBe('viewer');
  });

  it('a running service sees users added by the CLI at the next login', async () => {
    const service = new UsersStore(loadConfig(env));
    await service.load('initial-admin-password');
    stdin = 'a-long-password';
    await run('add', 'late', 'operator', '--password-stdin');
    expect(await service.verify('late', 'a-long-password')).toEqual({
      username: 'late',
      role: 'operator',
    });
  });

  it('removes a user, never the last admin', async () => {
    const service = new UsersStore(loadConfig(env));
    await service.load('initial-admin-password');
    service.onModuleDestroy();
    stdin = 'a-long-password';
    await run('add', 'olga', 'operator', '--password-stdin');
    expect(await run('remove', 'olga')).toBe(0);
    expect(out).toContain('removed olga; their sessions have ended');
    expect((await store()).find('olga')).toBeNull();
    expect(await run('remove', 'admin')).toBe(1);
    expect(err.join()).toMatch(/admin is the last admin/);
    await run('add', 'second', 'admin', '--password-stdin');
    expect(await run('remove', 'admin')).toBe(0);
  });

  it('a running service sees role changes, new passwords and removals within a second', async () => {
    const service = new UsersStore(loadConfig(env));
    await service.load('initial-admin-password');
    try {
      stdin = 'a-long-password';
      await run('add', 'olga', 'operator', '--password-stdin');
      await waitFor(() => service.sessionStamp('olga') !== null);
      const granted = service.sessionStamp('olga');
      await run('set-role', 'olga', 'viewer');
      await waitFor(() => service.sessionStamp('olga') !== granted);
      expect(service.sessionStamp('olga')).toMatch(/^viewer:/);
      const demoted = service.sessionStamp('olga');
      stdin = 'another-long-password';
      await run('set-password', 'olga', '--password-stdin');
      await waitFor(() => service.sessionStamp('olga') !== demoted);
      expect(service.sessionStamp('olga')).toMatch(/^viewer:/);
      await run('remove', 'olga');
      await waitFor(() => service.sessionStamp('olga') === null);
    } finally {
      service.onModuleDestroy();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
