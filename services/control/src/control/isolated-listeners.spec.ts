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
