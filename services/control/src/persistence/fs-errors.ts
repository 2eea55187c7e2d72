/** The `code` of a Node system error (`ENOENT`, `EACCES`, …), or undefined for other values. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    return typeof error.code === 'string' ? error.code : undefined;
  }
  return undefined;
}

/** A one-line description of anything thrown, for logs and problem lists. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
