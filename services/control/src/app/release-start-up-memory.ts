/**
 * Start-up leaves the heap full of garbage it will not need again: Nest's module scan and
 * dependency injection, decorator metadata work, the config's parsing and the bytecode of code
 * that ran once. V8 collects it lazily and keeps the freed pages for later, so the service
 * would carry ~4 MB more resident memory into its first minutes — under the admin password's
 * hash at first start and the first sign-ins (argon2id, 7 MiB each), which set the process's
 * peak. One "last resort" collection (V8's memory-reducing full GC, which also returns free
 * pages to the system) right after the application is built drops it before anything else
 * runs.
 *
 * Needs `--expose-gc` (the image's CMD, `make run`, the bench); without it nothing happens.
 * Runs once, before the control loop starts ticking (a pause of ~70 ms here, a few hundred on
 * a Pi, while no tick is due yet).
 */
export function releaseStartUpMemory(gc: NodeJS.GCFunction | undefined = globalThis.gc): boolean {
  if (!gc) return false;
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  return true;
}
