import { IsolatedListeners } from './isolated-listeners';

describe('IsolatedListeners', () => {
  const setup = () => {
    const errors: string[] = [];
    let now = 0;
    const listeners = new IsolatedListeners<number>({ error: (m) => errors.push(m) }, () => now);
    return { listeners, errors, advance: (ms: number) => (now += ms) };
  };

  it('a listener that throws or rejects never stops the others, nor itself', async () => {
    const { listeners, errors } = setup();
    const seen: number[] = [];
    const thrower = jest.fn(() => {
      throw new Error('boom');
    });
    listeners.add('thrower', thrower);
    listeners.add('rejecter', () => Promise.reject(new Error('async boom')));
    listeners.add('good', (v) => void seen.push(v));
    expect(() => listeners.emit(1)).not.toThrow();
    listeners.emit(2);
    await Promise.resolve();
    expect(seen).toEqual([1, 2]);
    expect(thrower).toHaveBeenCalledTimes(2);
    expect(errors.join('\n')).toContain('listener "thrower" failed');
    expect(errors.join('\n')).toContain('listener "rejecter" failed');
  });

  it('logs a failing listener once a minute at most, with the count', () => {
    const { listeners, errors, advance } = setup();
    listeners.add('noisy', () => {
      throw new Error('again');
    });
    for (let i = 0; i < 100; i++) listeners.emit(i);
    expect(errors).toHaveLength(1);
    advance(60_000);
    listeners.emit(0);
    expect(errors).toHaveLength(2);
    expect(errors[1]).toContain('101 failure(s)');
  });

  it('removes a listener with the function add() returned', () => {
    const { listeners } = setup();
    const listener = jest.fn();
    const remove = listeners.add('once', listener);
    listeners.emit(1);
    remove();
    listeners.emit(2);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listeners.size).toBe(0);
  });
});

describe('IsolatedListeners failure log', () => {
  it('logs nothing for listeners that return normally, with or without a promise', async () => {
    const errors: string[] = [];
    const listeners = new IsolatedListeners<number>({ error: (m) => errors.push(m) });
    listeners.add('sync', () => undefined);
    listeners.add('async', () => Promise.resolve());
    listeners.emit(1);
    await Promise.resolve();
    expect(errors).toEqual([]);
  });

  it('says which listener failed, how often, and where (the stack)', () => {
    const errors: string[] = [];
    let now = 40_000;
    const listeners = new IsolatedListeners<number>({ error: (m) => errors.push(m) }, () => now);
    const error = new Error('boom');
    listeners.add('trend', () => {
      throw error;
    });
    listeners.emit(1);
    now += 10_000; // 10 s later: within the minute, not logged
    listeners.emit(2);
    now += 50_000;
    listeners.emit(3);
    expect(errors).toEqual([
      `listener "trend" failed (1 failure(s) so far; it keeps receiving): ${error.stack}`,
      `listener "trend" failed (3 failure(s) so far; it keeps receiving): ${error.stack}`,
    ]);
  });

  it('a thrown non-Error is logged as text', () => {
    const errors: string[] = [];
    const listeners = new IsolatedListeners<number>({ error: (m) => errors.push(m) });
    listeners.add('odd', () => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- what a careless listener does
      throw 'plain text';
    });
    listeners.emit(1);
    expect(errors[0]).toMatch(/: plain text$/);
  });
});
