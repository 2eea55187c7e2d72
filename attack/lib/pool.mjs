// @ts-check

/**
 * Runs `work` over `items` with at most `concurrency` at once, in order of start; stops
 * starting new items once `signal` is aborted. Resolves to how many ran.
 * @template T
 * @param {readonly T[]} items
 * @param {number} concurrency
 * @param {(item: T, index: number) => Promise<void>} work
 * @param {AbortSignal} [signal]
 */
export async function runPool(items, concurrency, work, signal) {
  let next = 0;
  let ran = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) {
      const index = next++;
      await work(items[index], index);
      ran += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return ran;
}

/**
 * Polls `check` until it resolves true or `timeoutMs` passes; resolves to the last answer.
 * @param {() => Promise<boolean>} check
 * @param {number} timeoutMs
 * @param {number} [everyMs]
 */
export async function waitFor(check, timeoutMs, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await check().catch(() => false);
    if (ok || Date.now() >= deadline) return ok;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
