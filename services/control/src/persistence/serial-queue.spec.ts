import { SerialQueue } from './serial-queue';

/** A promise whose settlement the test controls. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SerialQueue', () => {
  it('starts a task only after the previous one has settled', async () => {
    const queue = new SerialQueue();
    const events: string[] = [];
    const first = deferred();
    const a = queue.run(async () => {
      events.push('a:start');
      await first.promise;
      events.push('a:end');
    });
    const b = queue.run(() => {
      events.push('b:start');
      return Promise.resolve('b');
    });
    await new Promise((r) => setImmediate(r));
    expect(events).toEqual(['a:start']);
    first.resolve();
    await expect(b).resolves.toBe('b');
    await a;
    expect(events).toEqual(['a:start', 'a:end', 'b:start']);
  });

  it('keeps running after a task fails, and reports the failure to its caller only', async () => {
    const queue = new SerialQueue();
    const failing = queue.run(() => Promise.reject(new Error('boom')));
    const next = queue.run(() => Promise.resolve(42));
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe(42);
    await expect(queue.idle()).resolves.toBeUndefined();
  });
});
