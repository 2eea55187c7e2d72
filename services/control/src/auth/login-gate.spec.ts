import { LoginGate } from './login-gate';

/** A verification that finishes when told to. */
function pending(result: boolean) {
  let finish = () => undefined as void;
  const done = new Promise<boolean>((resolve) => (finish = () => resolve(result)));
  return { verify: () => done, finish };
}

const options = {
  maxConcurrent: 2,
  maxWaiting: 3,
  maxFailuresPerAccount: 3,
  failureWindowMs: 60_000,
};

describe('LoginGate', () => {
  it('runs at most maxConcurrent verifications, queues maxWaiting, refuses the rest at once', async () => {
    const gate = new LoginGate(options);
    const clock = () => 0;
    const started: { finish: () => void }[] = [];
    const verify = () => {
      const p = pending(true);
      started.push(p);
      return p.verify();
    };
    const tick = () => new Promise((r) => setImmediate(r));
    const outcomes: unknown[] = [];
    const attempts = Array.from({ length: 8 }, (_, i) =>
      gate.attempt(`u${i}`, clock, verify).then((r) => (outcomes[i] = r)),
    );
    await tick();
    expect(started).toHaveLength(2);
    // 2 running, 3 waiting: the other 3 are refused at once, without any hashing.
    expect(outcomes.filter((r) => (r as { kind?: string }).kind === 'busy')).toHaveLength(3);
    // Each finished verification hands its slot to the next waiting one; a newcomer queues
    // behind them: never more than two at once.
    let late: Promise<unknown> | null = null;
    for (let finished = 0; finished < 6; finished++) {
      started[finished].finish();
      await tick();
      late ??= gate.attempt('late', clock, verify);
      expect(gate.inFlight).toBeLessThanOrEqual(2);
    }
    await Promise.all([...attempts, late]);
    expect(started).toHaveLength(6); // 5 admitted + the late one
    expect(gate.inFlight).toBe(0);
  });

  it('refuses an account after maxFailuresPerAccount failures in the window, from any address', async () => {
    const gate = new LoginGate(options);
    let now = 1_000;
    const clock = () => now;
    const wrong = () => Promise.resolve(false);
    for (let i = 0; i < 3; i++)
      expect(await gate.attempt('admin', clock, wrong)).toEqual({ ok: false });
    const refused = await gate.attempt('admin', clock, () => Promise.resolve(true));
    expect(refused).toEqual({ kind: 'account-locked', retryAfterS: 60 });
    // Other accounts are not affected.
    expect(await gate.attempt('olga', clock, () => Promise.resolve(true))).toEqual({ ok: true });
    now += 60_001;
    expect(await gate.attempt('admin', clock, () => Promise.resolve(true))).toEqual({ ok: true });
  });

  it('a success clears the failures of the account', async () => {
    const gate = new LoginGate(options);
    const clock = () => 0;
    await gate.attempt('ann', clock, () => Promise.resolve(false));
    await gate.attempt('ann', clock, () => Promise.resolve(false));
    await gate.attempt('ann', clock, () => Promise.resolve(true));
    await gate.attempt('ann', clock, () => Promise.resolve(false));
    await gate.attempt('ann', clock, () => Promise.resolve(false));
    expect(await gate.attempt('ann', clock, () => Promise.resolve(true))).toEqual({ ok: true });
  });

  it('a verification that throws frees its slot', async () => {
    const gate = new LoginGate({ ...options, maxConcurrent: 1, maxWaiting: 0 });
    await expect(
      gate.attempt(
        'x',
        () => 0,
        () => Promise.reject(new Error('boom')),
      ),
    ).rejects.toThrow('boom');
    expect(gate.inFlight).toBe(0);
    expect(
      await gate.attempt(
        'x',
        () => 0,
        () => Promise.resolve(true),
      ),
    ).toEqual({ ok: true });
  });
});
