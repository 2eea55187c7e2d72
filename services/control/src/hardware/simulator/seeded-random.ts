/**
 * A small deterministic PRNG (mulberry32): the simulator's noise must be reproducible so that
 * tests and demo runs behave the same every time, which `Math.random` cannot give.
 * @returns a function yielding uniform numbers in [0, 1).
 */
export function seededRandom(seed: number): () => number {
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
