/** The `code` of a Node system error (`ENOENT`, `EACCES`, …), or undefined for other values. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    return typeof error.code === 'string' ? error.code : undefined;
  }
  return undefined;
}

/** Whether a write failed because the disk (or the user's quota) is full. */
export function isDiskFull(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** A one-line description of anything thrown, for logs and problem lists. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
