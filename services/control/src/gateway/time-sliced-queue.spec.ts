import { TimeSlicedQueue } from './time-sliced-queue';

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe('TimeSlicedQueue', () => {
  it('does every item in order, and lets timers run between slices', async () => {
    const done: number[] = [];
    const timerRanAfter: number[] = [];
    const queue = new TimeSlicedQueue<number>(
      (n) => {
        busy(2);
        done.push(n);
      },
      (error) => {
        throw error;
      },
      5,
    );
    for (let n = 1; n <= 30; n++) queue.add(n); // ~60 ms of work
    // A timer due at once (the control loop's next tick) must not wait for all 30 items.
    setTimeout(() => timerRanAfter.push(done.length), 0);
    await new Promise((r) => setTimeout(r, 200));
    expect(done).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(timerRanAfter[0]).toBeLessThan(10);
  });

  it('skips removed items, reports a failing one and goes on', async () => {
    const done: string[] = [];
    const errors: unknown[] = [];
    const queue = new TimeSlicedQueue<string>(
      (s) => {
        if (s === 'bad') throw new Error('boom');
        done.push(s);
      },
      (e) => errors.push(e),
    );
    queue.add('a');
    queue.add('gone');
    queue.add('bad');
    queue.add('b');
    queue.remove('gone');
    expect(queue.has('a')).toBe(true);
    expect(queue.has('gone')).toBe(false);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 10));
    expect(done).toEqual(['a', 'b']);
    expect(errors).toHaveLength(1);
  });
});
