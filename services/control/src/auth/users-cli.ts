import { Logger } from '@nestjs/common';
import { Role, ROLES } from '@cryopilot/protocol';
import { ConfigError, loadConfig } from '../config/config.loader';
import { MIN_PASSWORD_LENGTH, passwordProblem, UsersStore } from './users-store';

/**
 * Manages the operator page's users in `<DATA_DIR>/users.json` (argon2id hashes), with the
 * same store and rules as the service:
 *
 *   npm run users -w @cryopilot/control -- list
 *   npm run users -w @cryopilot/control -- add <name> <viewer|operator|admin>
 *   npm run users -w @cryopilot/control -- set-password <name>
 *   npm run users -w @cryopilot/control -- set-role <name> <viewer|operator|admin>
 *
 * Passwords are typed at a hidden prompt (twice), or read from standard input with
 * `--password-stdin` (scripts: `echo "$PW" | npm run users … -- add bob operator --password-stdin`).
 * A running service picks changes up within a second: a changed password or role, or a removed
 * user, ends that user's sessions (they sign in again).
 */

export const USAGE = `usage: users <command> [--password-stdin]
  list                           users and their roles
  add <name> <role>              new user (role: ${ROLES.join(', ')})
  set-password <name>            new password
  set-role <name> <role>         new role (the user signs in again)
  remove <name>                  delete the user (never the last admin)
Passwords: at least ${MIN_PASSWORD_LENGTH} characters, not the user name, typed at a hidden prompt or given on
standard input with --password-stdin. DATA_DIR (or CRYOPILOT_CONFIG) selects the data directory.`;

/** The terminal, injectable for tests. */
export interface CliIo {
  /** Reads a password without echoing it; rejects when there is no terminal. */
  promptHidden(prompt: string): Promise<string>;
  /** All of standard input. */
  readStdin(): Promise<string>;
  out(line: string): void;
  err(line: string): void;
}

/** Runs one CLI invocation; resolves to the process exit code. */
export async function runUsersCli(
  argv: readonly string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const passwordFromStdin = argv.includes('--password-stdin');
  const [command, name, role, ...extra] = argv.filter((a) => a !== '--password-stdin');
  const usage = (problem: string) => {
    io.err(`${problem}\n${USAGE}`);
    return 64; // EX_USAGE
  };
  if (extra.length > 0) return usage(`unexpected arguments: ${extra.join(' ')}`);
  const isRole = (value: string | undefined): value is Role =>
    (ROLES as readonly string[]).includes(value ?? '');
  const needs = { list: 0, add: 2, 'set-password': 1, 'set-role': 2, remove: 1 } as const;
  // Own keys only: `constructor` or `toString` are no commands.
  if (!command || !Object.hasOwn(needs, command)) {
    return usage(`unknown command: ${command ?? '(none)'}`);
  }
  const count = needs[command as keyof typeof needs];
  if ([name, role].filter((a) => a !== undefined).length !== count) {
    return usage(`${command} takes ${count} argument(s)`);
  }
  if ((command === 'add' || command === 'set-role') && !isRole(role)) {
    return usage(`unknown role: ${role}`);
  }
  try {
    const store = new UsersStore(loadConfig(env));
    await store.open();
    const password = () => readPassword(io, passwordFromStdin, name);
    switch (command) {
      case 'list':
        for (const user of store.list()) io.out(`${user.username}\t${user.role}`);
        break;
      case 'add':
        await store.add(name, await password(), role as Role);
        io.out(`added ${name} (${role})`);
        break;
      case 'set-password':
        if (!store.find(name)) throw new Error(`no user ${name}`);
        await store.setPassword(name, await password());
        io.out(`password of ${name} changed`);
        break;
      case 'set-role':
        await store.setRole(name, role as Role);
        io.out(`${name} is now ${role}; their sessions have ended`);
        break;
      case 'remove':
        await store.remove(name);
        io.out(`removed ${name}; their sessions have ended`);
        break;
    }
    return 0;
  } catch (error) {
    // Every failure (bad config, unreadable file, duplicate user, short password) ends here
    // with its message and a non-zero exit code, never a stack trace for the operator.
    io.err(error instanceof ConfigError || error instanceof Error ? error.message : String(error));
    return 1;
  }
}

async function readPassword(io: CliIo, fromStdin: boolean, username: string): Promise<string> {
  const password = fromStdin
    ? (await io.readStdin()).replace(/\r?\n$/, '')
    : await io.promptHidden('password: ');
  // The store's own rule, checked before the second prompt so nobody types a bad one twice.
  const problem = passwordProblem(username, password);
  if (problem !== null) throw new Error(problem);
  if (!fromStdin && (await io.promptHidden('again: ')) !== password) {
    throw new Error('the two passwords differ');
  }
  return password;
}

/** Reads a line from the terminal with echo off (raw mode), handling backspace and Ctrl-C. */
function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    return Promise.reject(new Error('no terminal for the password prompt: use --password-stdin'));
  }
  process.stdout.write(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    stdin.setRawMode(true);
    stdin.resume();
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish(() => resolve(value));
        if (char === '\u0003') return finish(() => reject(new Error('cancelled')));
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else value += char;
      }
    };
    const finish = (settle: () => void) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stdout.write('\n');
      settle();
    };
    stdin.on('data', onData);
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

if (require.main === module) {
  // The store logs through Nest's logger; the CLI only wants warnings and errors.
  Logger.overrideLogger(['error', 'warn']);
  const io: CliIo = {
    promptHidden,
    readStdin,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  };
  void runUsersCli(process.argv.slice(2), io).then((code) => process.exit(code));
}
