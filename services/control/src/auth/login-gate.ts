/** What the gate answers instead of a verification. */
export type LoginRefusal =
  { readonly kind: 'busy' } | { readonly kind: 'account-locked'; readonly retryAfterS: number };

export interface LoginGateOptions {
  /**
   * Password verifications running at once: argon2id with m = 7 MiB each, so at most ~14 MiB
   * for 2 (a hash stored with the older m = 19 MiB takes that for its verification, then 7 MiB
   * for its re-hash, one after the other: at most ~38 MiB for 2, until every user has signed in
   * once since the change).
   */
  readonly maxConcurrent: number;
  /** Verifications waiting for a slot; beyond, attempts are refused at once (`busy`). */
  readonly maxWaiting: number;
  /** Failed attempts per account within `failureWindowMs` before it is refused for a while. */
  readonly maxFailuresPerAccount: number;
  readonly failureWindowMs: number;
}

export const DEFAULT_LOGIN_GATE: LoginGateOptions = {
  maxConcurrent: 2,
  maxWaiting: 16,
  maxFailuresPerAccount: 20,
  failureWindowMs: 15 * 60_000,
};

/**
 * Keeps a login flood from costing the Pi more than a bounded amount: at most
 * `maxConcurrent` argon2 verifications (memory, CPU threads the control loop shares) and a
 * short queue; and per account, a budget of failures in a sliding window, so that guessing one
 * account's password from many addresses (which the per-address limit cannot see) stops.
 * A success clears the account's failures. Time is passed in (pure, testable).
 */
export class LoginGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly options: LoginGateOptions = DEFAULT_LOGIN_GATE) {}

  /**
   * Runs `verify` for `account` within the bounds, or says why not. `verify` resolves to
   * whether the password matched.
   */
  async attempt(
    account: string,
    nowMs: () => number,
    verify: () => Promise<boolean>,
  ): Promise<{ ok: boolean } | LoginRefusal> {
    const locked = this.lockedFor(account, nowMs());
    if (locked > 0) return { kind: 'account-locked', retryAfterS: Math.ceil(locked / 1000) };
    if (this.running < this.options.maxConcurrent) {
      this.running += 1;
    } else {
      if (this.waiting.length >= this.options.maxWaiting) return { kind: 'busy' };
      // The finishing verification hands its slot over: `running` never exceeds the bound.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    try {
      const ok = await verify();
      if (ok) this.failures.delete(account);
      else this.recordFailure(account, nowMs());
      return { ok };
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }

  /** Verifications running now (for tests and diagnostics). */
  get inFlight(): number {
    return this.running;
  }

  /** How long `account` is still refused (ms); 0 when it is not. */
  private lockedFor(account: string, now: number): number {
    const recent = this.recent(account, now);
    if (recent.length < this.options.maxFailuresPerAccount) return 0;
    return recent[0] + this.options.failureWindowMs - now;
  }

  private recordFailure(account: string, now: number): void {
    const recent = this.recent(account, now);
    recent.push(now);
    this.failures.set(account, recent);
    // Bounded memory under a flood of made-up names: forget the oldest accounts first.
    if (this.failures.size > 10_000) this.failures.delete(this.failures.keys().next().value!);
  }

  private recent(account: string, now: number): number[] {
    return (this.failures.get(account) ?? []).filter((t) => t > now - this.options.failureWindowMs);
  }
}
