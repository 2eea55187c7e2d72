import { keyFromHash, retryDelayMs } from './display-key';

describe('display key', () => {
  const key = 'a'.repeat(43);

  it('takes the key of a display link, nothing else', () => {
    expect(keyFromHash(`#key=${key}`)).toBe(key);
    expect(keyFromHash(`#x=1&key=${key}&y=2`)).toBe(key);
    expect(keyFromHash('#key=short')).toBeNull();
    expect(keyFromHash(`#key=${key}<script>`)).toBeNull();
    expect(keyFromHash(`#monkey=${key}`)).toBeNull();
    expect(keyFromHash('')).toBeNull();
  });

  it('retries sign-in from 2 s, doubling up to a minute, forever', () => {
    expect([1, 2, 3, 6, 7, 100].map(retryDelayMs)).toEqual([
      2000, 4000, 8000, 60_000, 60_000, 60_000,
    ]);
  });
});
