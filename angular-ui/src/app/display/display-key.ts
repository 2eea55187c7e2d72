/** Where a wall display keeps its key (this browser only; revoked by an admin). */
const STORAGE_KEY = 'cryopilot.displayKey';

/** The key of a display link (`/display#key=…`), or null. Pure. */
export function keyFromHash(hash: string): string | null {
  return /^#(?:.*&)?key=([A-Za-z0-9_-]{20,128})(?:&|$)/.exec(hash)?.[1] ?? null;
}

/** The key this browser keeps, or null (storage may be off: private mode, kiosk policies). */
export function storedKey(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function storeKey(key: string): void {
  try {
    localStorage.setItem(STORAGE_KEY, key);
  } catch {
    // Without storage the display still runs; it needs its link again after a reload.
  }
}

/** The next sign-in retry after `attempt` failures: 2 s doubling to a minute. Pure. */
export function retryDelayMs(attempt: number): number {
  return Math.min(60_000, 2000 * 2 ** Math.max(0, attempt - 1));
}
