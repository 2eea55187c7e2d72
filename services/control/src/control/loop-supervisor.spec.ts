import { spawn } from 'node:child_process';
import { LoopSupervisor } from './loop-supervisor';

/** A stand-in process for the service: the supervisor kills it instead of the test runner. */
function victim() {
  const child = spawn('sleep', ['30']);
  const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_c, s) => r(s)));
  return { child, exited };
}

describe('LoopSupervisor (worker thread)', () => {
  it('stop() without start() is harmless', async () => {
    const supervisor = new LoopSupervisor({
      staleAfterMs: 300,
      checkEveryMs: 50,
      safeStateCommand: null,
      pid: process.pid,
    });
    await expect(supervisor.stop()).resolves.toBeUndefined();
  });

  it('kills the process when no tick completes for staleAfterMs', async () => {
    const { child, exited } = victim();
    const supervisor = new LoopSupervisor({
      staleAfterMs: 300,
      checkEveryMs: 50,
      safeStateCommand: null,
      pid: child.pid!,
    });
    supervisor.start();
    expect(await exited).toBe('SIGKILL');
    await supervisor.stop();
  });

  it('runs the safe-state command before the kill', async () => {
    const { child, exited } = victim();
    const marker = `/tmp/cryopilot-safe-state-${process.pid}-${Date.now()}`;
    const supervisor = new LoopSupervisor({
      staleAfterMs: 200,
      checkEveryMs: 50,
      safeStateCommand: ['touch', marker],
      pid: child.pid!,
    });
    supervisor.start();
    await exited;
    const { existsSync, rmSync } = await import('node:fs');
    expect(existsSync(marker)).toBe(true);
    rmSync(marker, { force: true });
    await supervisor.stop();
  });

  it('stays quiet while ticks complete, and after an orderly stop', async () => {
    const { child, exited } = victim();
    const supervisor = new LoopSupervisor({
      staleAfterMs: 300,
      checkEveryMs: 50,
      safeStateCommand: null,
      pid: child.pid!,
    });
    supervisor.start();
    const beats = setInterval(() => supervisor.beat(), 50);
    await new Promise((r) => setTimeout(r, 1000));
    clearInterval(beats);
    await supervisor.stop();
    await new Promise((r) => setTimeout(r, 600));
    expect(child.exitCode).toBeNull();
    expect(child.signalCode).toBeNull();
    child.kill();
    await exited;
  });
});
