/**
 * Fixed-rate scheduling without drift: tick k is due at `start + k·period`. A tick that runs
 * late makes the next one start right after it; missed slots are skipped, never queued.
 * A tick that throws or rejects is reported and the next one is scheduled all the same: the
 * schedule stops only through `stop()`.
 */
export class TickScheduler {
  private timer: NodeJS.Timeout | null = null;
  private nextDue = 0;
  private running = false;
  /** Lateness of each tick start (ms) over the last window, for health and benchmarks. */
  private readonly lateness: number[] = [];

  constructor(
    private readonly periodMs: number,
    private readonly task: () => Promise<unknown>,
    private readonly now: () => number = () => performance.now(),
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.nextDue = this.now();
    this.schedule();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** p50/p99/max lateness of tick starts (ms) over the last 1000 ticks. */
  jitter(): { p50: number; p99: number; max: number; samples: number } {
    const sorted = [...this.lateness].sort((a, b) => a - b);
    const at = (q: number) =>
      sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0;
    return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0, samples: sorted.length };
  }

  private schedule(): void {
    if (!this.running) return;
    const delay = Math.max(0, this.nextDue - this.now());
    this.timer = setTimeout(() => void this.run(), delay);
  }

  private async run(): Promise<void> {
    const startedAt = this.now();
    this.lateness.push(startedAt - this.nextDue);
    if (this.lateness.length > 1000) this.lateness.shift();
    try {
      await this.task();
    } catch (error) {
      this.onError(error);
    }
    this.nextDue += this.periodMs;
    const end = this.now();
    if (this.nextDue < end) {
      // Overran: skip the missed slots instead of firing a burst of catch-up ticks.
      this.nextDue += Math.ceil((end - this.nextDue) / this.periodMs) * this.periodMs;
    }
    this.schedule();
  }
}
