import { Worker } from 'node:worker_threads';

export interface LoopSupervisorOptions {
  /** No completed tick for this long (real time) trips the supervisor. */
  readonly staleAfterMs: number;
  /** How often the supervisor looks (real time). */
  readonly checkEveryMs: number;
  /**
   * A command that drives the valve to the safe state through its own bus handle (the megaind
   * driver: `node dist/main.js --safe-state`); null when the card lives in this process (the
   * simulator), which the kill stops with it.
   */
  readonly safeStateCommand: readonly string[] | null;
  /** Process to kill when tripped: this one, except in the supervisor's own tests. */
  readonly pid: number;
}

/** Heartbeat slots in the shared buffer. */
const BEAT = 0;
const DISARMED = 1;

/**
 * Watches the control loop from a worker thread, outside the main event loop: when no tick has
 * completed its control evaluation for `staleAfterMs` — the event loop is blocked, a bus call
 * never returns, the scheduler stopped — it drives the valve to the safe state through a
 * separate process with its own bus handle, then kills the service (SIGKILL: a blocked event
 * loop would never run a SIGTERM handler). The container's restart policy starts it again,
 * and start-up makes the valve safe before anything else.
 *
 * This closes the gap the card's watchdog leaves: the card counts ANY bus transaction as a
 * sign of life, so a process that still polls the card but no longer completes ticks would
 * keep it fed for ever. See docs/safety.md, "What the watchdogs guarantee".
 */
export class LoopSupervisor {
  private readonly shared = new Int32Array(new SharedArrayBuffer(8));
  private worker: Worker | null = null;

  constructor(private readonly options: LoopSupervisorOptions) {}

  /** Starts watching; the first check counts from now. */
  start(): void {
    if (this.worker) return;
    // The worker runs `superviseLoop` from its source text: the same code runs from the
    // TypeScript sources (tests) and from the compiled service, with no extra file to ship.
    this.worker = new Worker(
      `(${superviseLoop.toString()})(require('node:worker_threads').workerData)`,
      { eval: true, workerData: { ...this.options, shared: this.shared } },
    );
    // The worker must not keep the process alive, and its failure must not end it.
    this.worker.unref();
    this.worker.on('error', (error) =>
      process.stderr.write(`loop supervisor failed: ${error.message}\n`),
    );
  }

  /** A tick completed: called by the loop at the end of every evaluated tick. */
  beat(): void {
    Atomics.add(this.shared, BEAT, 1);
  }

  /** Orderly shutdown: the loop stops on purpose, nothing to supervise any more. */
  async stop(): Promise<void> {
    Atomics.store(this.shared, DISARMED, 1);
    Atomics.notify(this.shared, BEAT);
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }
}

interface SupervisorData extends LoopSupervisorOptions {
  readonly shared: Int32Array;
}

// Stryker disable all: `superviseLoop` runs in a worker thread from its source text
// (`superviseLoop.toString()`), where the calls Stryker's instrumentation adds to every mutated
// function (its mutant switch and coverage counters on a global of the main thread) do not
// exist and would throw. Not mutated; its behaviour is pinned by loop-supervisor.spec.ts and
// test/safety/process-supervision.e2e-spec.ts.
/**
 * The worker's body. Self-contained (it is run from its source text): only `require` and
 * globals. Sleeps with `Atomics.wait`, so it needs no event loop of its own either.
 */
function superviseLoop(data: SupervisorData): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const fs = require('node:fs') as typeof import('node:fs');
  const childProcess = require('node:child_process') as typeof import('node:child_process');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const say = (message: string) =>
    // Straight to fd 2: the main thread, which normally relays a worker's output, is stuck.
    fs.writeSync(2, `${new Date().toISOString()} [LoopSupervisor] ${message}\n`);
  let lastBeat = Atomics.load(data.shared, 0);
  let lastChange = performance.now();
  for (;;) {
    Atomics.wait(data.shared, 0, lastBeat, data.checkEveryMs);
    if (Atomics.load(data.shared, 1) === 1) return;
    const beat = Atomics.load(data.shared, 0);
    const now = performance.now();
    if (beat !== lastBeat) {
      lastBeat = beat;
      lastChange = now;
      continue;
    }
    if (now - lastChange < data.staleAfterMs) continue;
    say(
      `control loop stalled: no completed tick for ${Math.round(now - lastChange)} ms ` +
        `(limit ${data.staleAfterMs} ms)`,
    );
    const command = data.safeStateCommand;
    if (command) {
      const result = childProcess.spawnSync(command[0], command.slice(1), {
        stdio: ['ignore', 2, 2],
        timeout: 10_000,
      });
      say(
        result.status === 0
          ? 'valve driven to the safe state through a separate bus handle'
          : `safe-state command failed (${result.error?.message ?? `exit ${result.status}`}): ` +
              "the valve's own fail-safe and the card's watchdog remain",
      );
    } else {
      say('the simulated card lives in this process and stops with it');
    }
    say(`killing process ${data.pid} so that it is restarted (start-up makes the valve safe)`);
    process.kill(data.pid, 'SIGKILL');
    return;
  }
}
// Stryker restore all
