import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoopSupervisor, supervisorArgs, supervisorEnv } from './loop-supervisor';
import { supervisorsOf } from '../../test/support/supervisor-processes';

jest.setTimeout(15_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventuallyTrue(check: () => boolean, timeoutMs = 5000): Promise<void> {
  for (const end = Date.now() + timeoutMs; !check(); await sleep(50)) {
    if (Date.now() > end) throw new Error('timed out');
  }
}

/** A stand-in process for the service: the supervisor kills it instead of the test runner. */
function victim() {
  const child = spawn('sleep', ['30']);
  const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_c, s) => r(s)));
  return { child, exited };
}

/** A file the safe-state command creates (`touch`), to see whether and when it ran. */
function marker(): string {
  return join(tmpdir(), `cryopilot-safe-state-${process.pid}-${Date.now()}-${Math.random()}`);
}

describe('LoopSupervisor (a bash process fed one byte per completed tick)', () => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  function supervise(
    pid: number,
    staleAfterMs: number,
    command: string[] | null = null,
    bash?: string,
  ) {
    const problems: string[] = [];
    const supervisor = new LoopSupervisor({
      staleAfterMs,
      safeStateCommand: command,
      pid,
      onProblem: (message) => problems.push(message),
      bash,
    });
    cleanup.push(() => supervisor.stop());
    return { supervisor, problems };
  }

  /** A started supervisor watching a stand-in (killed after the test), and the bash's pid. */
  async function watchingStandIn(staleAfterMs: number) {
    const { child, exited } = victim();
    cleanup.push(async () => {
      child.kill();
      await exited;
    });
    const { supervisor, problems } = supervise(child.pid!, staleAfterMs);
    supervisor.start();
    await sleep(200);
    const [bashPid] = supervisorsOf(child.pid!);
    return { supervisor, problems, bashPid, standIn: child.pid! };
  }

  it('stop() without start() is harmless', async () => {
    await expect(supervise(process.pid, 300).supervisor.stop()).resolves.toBeUndefined();
  });

  it('kills the process when no tick completes for staleAfterMs', async () => {
    const { child, exited } = victim();
    supervise(child.pid!, 300).supervisor.start();
    expect(await exited).toBe('SIGKILL');
  });

  it('runs the safe-state command before the kill', async () => {
    const { child, exited } = victim();
    const file = marker();
    cleanup.push(() => rmSync(file, { force: true }));
    supervise(child.pid!, 200, ['touch', file]).supervisor.start();
    await exited;
    expect(existsSync(file)).toBe(true);
  });

  it('trips only once staleAfterMs have passed since the last completed tick', async () => {
    const { child, exited } = victim();
    const { supervisor } = supervise(child.pid!, 600);
    supervisor.start();
    let lastBeat = Date.now();
    const beats = setInterval(() => {
      supervisor.beat();
      lastBeat = Date.now();
    }, 100);
    await sleep(1500); // 2.5 limits with beats: no trip
    clearInterval(beats);
    expect(child.exitCode).toBeNull();
    expect(child.signalCode).toBeNull();
    await exited;
    // Real time between the last beat and the kill: at least the limit (a little slack for
    // the timer granularity of `read -t`), never a trip counted from an earlier beat.
    expect(Date.now() - lastBeat).toBeGreaterThanOrEqual(550);
  });

  it('stays quiet while ticks complete, and after an orderly stop runs nothing', async () => {
    const { child, exited } = victim();
    cleanup.push(async () => {
      child.kill();
      await exited;
    });
    const file = marker();
    cleanup.push(() => rmSync(file, { force: true }));
    const { supervisor, problems } = supervise(child.pid!, 300, ['touch', file]);
    supervisor.start();
    const beats = setInterval(() => supervisor.beat(), 50);
    await sleep(1000);
    clearInterval(beats);
    await supervisor.stop();
    expect(supervisorsOf(child.pid!)).toEqual([]);
    await sleep(600);
    expect(child.exitCode).toBeNull();
    expect(child.signalCode).toBeNull();
    expect(existsSync(file)).toBe(false);
    expect(problems).toEqual([]);
  });

  it('a supervisor process that dies is reported and started again, and watches again', async () => {
    const { child, exited } = victim();
    const { supervisor, problems } = supervise(child.pid!, 300);
    supervisor.start();
    const beats = setInterval(() => supervisor.beat(), 50);
    cleanup.push(() => clearInterval(beats));
    await sleep(200);
    const [first] = supervisorsOf(child.pid!);
    expect(first).toBeGreaterThan(0);
    process.kill(first, 'SIGKILL');
    await sleep(1500);
    expect(problems).toEqual([
      "loop supervisor ended (SIGKILL); restarting it in 1 s (until then the card's watchdog remains)",
    ]);
    const [second] = supervisorsOf(child.pid!);
    expect(second).toBeGreaterThan(0);
    expect(second).not.toBe(first);
    expect(child.exitCode).toBeNull(); // the new one is fed by the same beats
    // Another death soon after: the delay doubles.
    process.kill(second, 'SIGKILL');
    await eventuallyTrue(() => problems.length === 2);
    expect(problems[1]).toContain('restarting it in 2 s');
    await sleep(2500);
    expect(supervisorsOf(child.pid!)).toHaveLength(1);
    clearInterval(beats);
    expect(await exited).toBe('SIGKILL');
  });

  it('reads no start-up file: neither $BASH_ENV nor ~/.bashrc under SSH', async () => {
    const home = mkdtempSync(join(tmpdir(), 'cryopilot-supervisor-home-'));
    cleanup.push(() => rmSync(home, { recursive: true, force: true }));
    const ran = join(home, 'ran');
    writeFileSync(join(home, '.bashrc'), `echo bashrc >> ${ran}\n`);
    writeFileSync(join(home, 'env.sh'), `echo env >> ${ran}\n`);
    const saved = { ...process.env };
    Object.assign(process.env, {
      HOME: home,
      BASH_ENV: join(home, 'env.sh'),
      SSH_CLIENT: '192.0.2.1 50000 22',
      SHLVL: '0',
    });
    const { supervisor } = supervise(process.pid, 5000);
    try {
      supervisor.start();
    } finally {
      process.env = saved;
    }
    await sleep(300);
    expect(supervisorsOf(process.pid)).toHaveLength(1);
    expect(existsSync(ran)).toBe(false);
  });

  it('starts one process however often start() is called, and none after stop()', async () => {
    const { child, exited } = victim();
    cleanup.push(async () => {
      child.kill();
      await exited;
    });
    const { supervisor } = supervise(child.pid!, 5000);
    supervisor.start();
    supervisor.start();
    await sleep(200);
    expect(supervisorsOf(child.pid!)).toHaveLength(1);
    await supervisor.stop();
    supervisor.start();
    await sleep(200);
    expect(supervisorsOf(child.pid!)).toEqual([]);
  });

  it('runs in a session of its own: signals to the service’s process group miss it', async () => {
    const { supervisor } = supervise(process.pid, 5000);
    supervisor.start();
    await sleep(200);
    const [pid] = supervisorsOf(process.pid);
    const group = (p: number) =>
      readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ')[2];
    expect(group(pid)).toBe(String(pid));
    expect(group(pid)).not.toBe(group(process.pid));
  });

  it('a beat into the pipe of a supervisor that just died throws nothing', async () => {
    const { supervisor, problems, bashPid: pid } = await watchingStandIn(5000);
    process.kill(pid, 'SIGKILL');
    // Synchronously until it is a zombie: the service has not seen the exit yet, the pipe's
    // reader is gone, so this write fails with EPIPE.
    const zombie = () => readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
    while (!zombie()) continue;
    supervisor.beat();
    await sleep(300);
    expect(problems).toHaveLength(1);
  });

  it('a supervisor that cannot be started is reported and tried again, later and later', async () => {
    const { supervisor, problems } = supervise(process.pid, 300, null, '/nonexistent/bash');
    supervisor.start();
    await eventuallyTrue(() => problems.length === 2);
    expect(problems).toEqual([
      "loop supervisor could not run: spawn /nonexistent/bash ENOENT; restarting it in 1 s (until then the card's watchdog remains)",
      "loop supervisor could not run: spawn /nonexistent/bash ENOENT; restarting it in 2 s (until then the card's watchdog remains)",
    ]);
  });

  it('queues no beats behind one a stopped supervisor has not taken', async () => {
    const { supervisor, bashPid } = await watchingStandIn(60_000);
    process.kill(bashPid, 'SIGSTOP');
    cleanup.push(() => process.kill(bashPid, 'SIGCONT'));
    // More beats than the pipe holds (64 KiB on Linux) while it does not read.
    for (let i = 0; i < 200_000; i++) supervisor.beat();
    // White box: the pipe's queue in this process.
    const stdin = (supervisor as unknown as { child: { stdin: { writableLength: number } } }).child
      .stdin;
    expect(stdin.writableLength).toBeLessThanOrEqual(1);
  });

  it('an orderly stop waits at most 2 s for a supervisor that does not answer, then kills it', async () => {
    const { supervisor, bashPid, standIn } = await watchingStandIn(5000);
    process.kill(bashPid, 'SIGSTOP');
    await supervisor.stop();
    await eventuallyTrue(() => supervisorsOf(standIn).length === 0);
  });
});

describe('the supervisor script, driven directly', () => {
  /** Runs the script with a pipe as its input; `kill` target: a stand-in process. */
  function script(limitMs: number, command: string[]) {
    const target = victim();
    const bash = spawn('bash', supervisorArgs(limitMs, target.child.pid!, command), {
      stdio: ['pipe', 'ignore', 'pipe'],
      env: supervisorEnv(),
    });
    let output = '';
    bash.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const ended = new Promise<number | null>((r) => bash.on('close', (code) => r(code)));
    return { target, bash, ended, output: () => output };
  }

  it('input that ends without "d" (the service died): safe state at once, nobody killed', async () => {
    const file = marker();
    const run = script(10_000, ['touch', file]);
    run.bash.stdin.write('bbb');
    await sleep(100);
    run.bash.stdin.end();
    expect(await run.ended).toBe(0);
    expect(existsSync(file)).toBe(true);
    rmSync(file, { force: true });
    expect(run.output()).toContain('ended without an orderly stop');
    expect(run.output()).toContain('valve driven to the safe state through a separate bus handle');
    expect(run.target.child.exitCode).toBeNull();
    run.target.child.kill();
  });

  it('"d" disarms: it exits quietly, runs nothing, kills nobody', async () => {
    const file = marker();
    const run = script(300, ['touch', file]);
    run.bash.stdin.end('bd');
    expect(await run.ended).toBe(0);
    await sleep(500);
    expect(existsSync(file)).toBe(false);
    expect(run.output()).toBe('');
    expect(run.target.child.exitCode).toBeNull();
    run.target.child.kill();
  });

  it('a closed standard error does not stop it: the kill still follows', async () => {
    const run = script(200, []);
    run.bash.stderr.destroy(); // its messages now meet a pipe without a reader (SIGPIPE)
    expect(await run.target.exited).toBe('SIGKILL');
  });

  it('a failing safe-state command is said, and the kill still follows', async () => {
    const run = script(200, ['false']);
    expect(await run.target.exited).toBe('SIGKILL');
    await run.ended;
    expect(run.output()).toMatch(
      /control loop stalled: no completed tick for 200 ms \(limit 200 ms\)\n.*safe-state command failed \(exit 1\)/,
    );
    expect(run.output()).toContain('killing process');
  });
});
