import { releaseStartUpMemory } from './release-start-up-memory';

describe('releaseStartUpMemory', () => {
  it('runs one synchronous, memory-reducing full collection when gc() is exposed', () => {
    const gc = jest.fn() as unknown as NodeJS.GCFunction;
    expect(releaseStartUpMemory(gc)).toBe(true);
    expect(gc).toHaveBeenCalledTimes(1);
    expect(gc).toHaveBeenCalledWith({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  });

  it('does nothing without --expose-gc', () => {
    expect(releaseStartUpMemory(undefined)).toBe(false);
  });
});
