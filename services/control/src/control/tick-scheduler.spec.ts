import { TickScheduler } from './tick-scheduler';

describe('TickScheduler', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const nowMs = () => jest.now();

  it('runs the task at a fixed period', async () => {
    const task = jest.fn(() => Promise.resolve());
    const scheduler = new TickScheduler(100, task, nowMs);
    scheduler.start();
    await jest.advanceTimersByTimeAsync(1000);
    scheduler.stop();
    expect(task.mock.calls.length).toBeGreaterThanOrEqual(10);
  });

  it('keeps ticking after a task that rejects or throws, reporting each failure', async () => {
    let calls = 0;
    const task = jest.fn(() => {
      calls += 1;
      if (calls === 2) throw new Error('thrown');
      if (calls === 3) return Promise.reject(new Error('rejected'));
      return Promise.resolve();
    });
    const errors: unknown[] = [];
    const scheduler = new TickScheduler(100, task, nowMs, (e) => errors.push(e));
    scheduler.start();
    await jest.advanceTimersByTimeAsync(1000);
    scheduler.stop();
    expect(errors.map((e) => (e as Error).message)).toEqual(['thrown', 'rejected']);
    expect(task.mock.calls.length).toBeGreaterThanOrEqual(10);
  });

  it('stops for good on stop()', async () => {
    const task = jest.fn(() => Promise.resolve());
    const scheduler = new TickScheduler(100, task, nowMs);
    scheduler.start();
    await jest.advanceTimersByTimeAsync(250);
    scheduler.stop();
    const calls = task.mock.calls.length;
    await jest.advanceTimersByTimeAsync(1000);
    expect(task.mock.calls.length).toBe(calls);
  });
});

describe('TickScheduler timing', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /**
   * The scheduler's clock: fake time plus the time the ticks themselves took (a tick "takes"
   * `ms` by calling `spend(ms)`, so the schedule sees it without the fake timers firing).
   */
  function clock() {
    let spent = 0;
    const t0 = jest.now();
    const now = () => jest.now() + spent;
    return { now, spend: (ms: number) => (spent += ms), since0: () => now() - t0 };
  }

  it('starts the first tick at once and the next ones at start + k·period, without drift', async () => {
    const c = clock();
    const starts: number[] = [];
    const scheduler = new TickScheduler(
      100,
      () => {
        starts.push(c.since0());
        c.spend(30); // each tick takes 30 ms
        return Promise.resolve();
      },
      c.now,
    );
    scheduler.start();
    scheduler.start(); // a second start changes nothing
    await jest.advanceTimersByTimeAsync(330);
    scheduler.stop();
    expect(starts).toEqual([0, 100, 200, 300, 400]);
  });

  it('skips the slots an overrunning tick missed instead of bursting', async () => {
    const c = clock();
    const starts: number[] = [];
    const scheduler = new TickScheduler(
      100,
      () => {
        starts.push(c.since0());
        if (starts.length === 1) c.spend(250); // overruns 2.5 periods
        return Promise.resolve();
      },
      c.now,
    );
    scheduler.start();
    await jest.advanceTimersByTimeAsync(250);
    scheduler.stop();
    expect(starts).toEqual([0, 300, 400, 500]);
    expect(scheduler.jitter().max).toBe(0);
  });

  it('a tick that ends exactly on the next slot does not skip it', async () => {
    const c = clock();
    const starts: number[] = [];
    const scheduler = new TickScheduler(
      100,
      () => {
        starts.push(c.since0());
        if (starts.length === 1) c.spend(100);
        return Promise.resolve();
      },
      c.now,
    );
    scheduler.start();
    await jest.advanceTimersByTimeAsync(100);
    scheduler.stop();
    // The second tick runs right away (a timer of 0 ms fires 1 ms later), not at 200.
    expect(starts).toHaveLength(3);
    expect(starts[1]).toBeLessThan(110);
    expect(starts[2]).toBe(200);
  });

  it('stop() before any tick: nothing runs; stop() twice is harmless', async () => {
    const task = jest.fn(() => Promise.resolve());
    const scheduler = new TickScheduler(100, task, () => jest.now());
    scheduler.stop();
    scheduler.start();
    scheduler.stop();
    scheduler.stop();
    await jest.advanceTimersByTimeAsync(1000);
    expect(task).not.toHaveBeenCalled();
  });

  it('a stop from inside a tick is final (no tick scheduled after it)', async () => {
    let scheduler: TickScheduler | null = null;
    const task = jest.fn(() => {
      scheduler?.stop();
      return Promise.resolve();
    });
    scheduler = new TickScheduler(100, task, () => jest.now());
    scheduler.start();
    await jest.advanceTimersByTimeAsync(1000);
    expect(task).toHaveBeenCalledTimes(1);
  });

  it('jitter: p50, p99 and max of tick-start lateness over the last 1000 ticks', async () => {
    const idle = new TickScheduler(
      100,
      () => Promise.resolve(),
      () => jest.now(),
    );
    expect(idle.jitter()).toEqual({ p50: 0, p99: 0, max: 0, samples: 0 });

    // Something else holds the event loop: the timer of tick k+1 fires (k mod 10)/2 ms late.
    let k = 0;
    let skew = 0;
    const scheduler = new TickScheduler(
      100,
      () => {
        k += 1;
        const late = (k % 10) * 0.5;
        setTimeout(() => (skew += late), 50);
        return Promise.resolve();
      },
      () => jest.now() + skew,
    );
    scheduler.start();
    await jest.advanceTimersByTimeAsync(100 * 1200);
    scheduler.stop();
    const j = scheduler.jitter();
    expect(j).toMatchObject({ p99: 4.5, max: 4.5, samples: 1000 });
    expect([2, 2.5]).toContain(j.p50);
  });
});
