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
