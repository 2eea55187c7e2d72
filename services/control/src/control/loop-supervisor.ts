import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { LOOP_SUPERVISOR_SCRIPT } from './loop-supervisor-script';

export interface LoopSupervisorOptions {
  /** No completed tick for this long (real time) trips the supervisor. */
  readonly staleAfterMs: number;
  /**
   * A command that drives the valve to the safe state through its own bus handle (the megaind
   * driver: `node dist/main.js --safe-state`); null when the card lives in this process (the
   * simulator), which the kill stops with it.
   */
  readonly safeStateCommand: readonly string[] | null;
  /** Process to kill when tripped: this one, except in the supervisor's own tests. */
  readonly pid: number;
  /** Where problems of the supervisor itself are reported (the service's logger). */
  readonly onProblem?: (message: string) => void;
  /** The bash to run: `bash` from the PATH unless given. */
  readonly bash?: string;
}

/** Restart delays after the supervisor process ends unexpectedly: doubling, capped. */
const RESTART_FIRST_MS = 1000;
const RESTART_MAX_MS = 60_000;
/** A supervisor that lived this long resets the restart delay. */
const HEALTHY_AFTER_MS = 60_000;

/** How long an orderly stop waits for the supervisor to take its "d" and exit. */
const STOP_WAIT_MS = 2000;

const BEAT = Buffer.from('b');
const DISARM = Buffer.from('d');

/** bash's arguments for the supervisor script watching `pid` (see loop-supervisor-script.ts). */
export function supervisorArgs(
  staleAfterMs: number,
  pid: number,
  safeStateCommand: readonly string[] | null,
): string[] {
  return [
    // No start-up file: a user's ~/.bashrc (which Debian's bash reads even for `-c` under
    // SSH) or $BASH_ENV would run inside the safety supervisor.
    '--norc',
    '--noprofile',
    '-c',
    LOOP_SUPERVISOR_SCRIPT,
    'cryopilot-loop-supervisor',
    String(Math.round(staleAfterMs)),
    String(pid),
    ...(safeStateCommand ?? []),
  ];
}

/** The service's environment without $BASH_ENV (read by a non-interactive bash at start). */
export function supervisorEnv(): NodeJS.ProcessEnv {
  return { ...process.env, BASH_ENV: undefined };
}

/**
 * Watches the control loop from outside the service's event loop: when no tick has completed
 * its control evaluation for `staleAfterMs` — the event loop is blocked, a bus call never
 * returns, the scheduler stopped — it drives the valve to the safe state through a separate
 * process with its own bus handle, then kills the service (SIGKILL: a blocked event loop would
 * never run a SIGTERM handler). The container's restart policy starts it again, and start-up
 * makes the valve safe before anything else. When the service dies without an orderly stop,
 * it drives the valve safe too (see `loop-supervisor-script.ts`).
 *
 * The watcher is a bash process fed one byte per completed tick through a pipe: a blocked
 * event loop writes nothing, and it costs no second V8 isolate (issue 13: −10 MB).
 *
 * This closes the gap the card's watchdog leaves: the card counts ANY bus transaction as a
 * sign of life, so a process that still polls the card but no longer completes ticks would
 * keep it fed for ever. See docs/safety.md, "What the watchdogs guarantee".
 */
export class LoopSupervisor {
  private child: ChildProcess | null = null;
  private stopped = false;
  private startedAt = 0;
  private restartDelayMs = RESTART_FIRST_MS;
  private restartTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: LoopSupervisorOptions) {}

  /** Starts watching; the first check counts from now. */
  start(): void {
    if (this.child || this.stopped) return;
    const { staleAfterMs, pid, safeStateCommand } = this.options;
    const child = spawn(
      this.options.bash ?? 'bash',
      supervisorArgs(staleAfterMs, pid, safeStateCommand),
      {
        // Its own session: a Ctrl-C or a signal to the service's process group does not reach
        // it; it learns of the service's end from its standard input instead.
        stdio: ['pipe', 'ignore', 'inherit'],
        detached: true,
        env: supervisorEnv(),
      },
    );
    this.child = child;
    this.startedAt = Date.now();
    // Neither the process nor its pipe keeps the service alive; a write to a supervisor that
    // died (EPIPE) is reported by 'exit' below, never thrown.
    child.unref();
    const stdin = child.stdin;
    (stdin as unknown as { unref?: () => void }).unref?.();
    stdin.on('error', () => undefined);
    child.on('error', (error) => this.ended(child, `could not run: ${error.message}`));
    child.on('exit', (code, signal) => this.ended(child, `ended (${signal ?? `exit ${code}`})`));
  }

  /** A tick completed: called by the loop at the end of every evaluated tick. */
  beat(): void {
    const stdin = this.child?.stdin;
    // Nothing queued behind a byte the supervisor has not taken yet (stopped, or busy acting):
    // one more says nothing new, and a queue would grow for as long as it does not read.
    if (stdin?.writable && stdin.writableLength === 0) stdin.write(BEAT);
  }

  /** Orderly shutdown: the loop stops on purpose, nothing to supervise any more. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<boolean>((resolve) => child.once('exit', () => resolve(true)));
    child.stdin?.end(DISARM);
    // Bounded: the loop has already made the valve safe, a shutdown must not hang on this.
    const quit = await Promise.race([exited, delay(STOP_WAIT_MS, false, { ref: false })]);
    if (!quit) child.kill('SIGKILL');
  }

  /** The supervisor process ended or could not start while it should be watching. */
  private ended(child: ChildProcess, what: string): void {
    if (this.stopped || this.child !== child) return;
    this.child = null;
    const lived = Date.now() - this.startedAt;
    if (lived >= HEALTHY_AFTER_MS) this.restartDelayMs = RESTART_FIRST_MS;
    const waitMs = this.restartDelayMs;
    this.restartDelayMs = Math.min(RESTART_MAX_MS, waitMs * 2);
    this.options.onProblem?.(
      `loop supervisor ${what}; restarting it in ${waitMs / 1000} s ` +
        "(until then the card's watchdog remains)",
    );
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.start();
    }, waitMs);
    this.restartTimer.unref();
  }
}
