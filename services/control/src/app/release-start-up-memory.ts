import { Injectable, OnModuleInit } from '@nestjs/common';

/**
 * Start-up leaves the heap full of garbage it will not need again: Nest's module scan and
 * dependency injection, decorator metadata work, the config's parsing and the bytecode of code
 * that ran once. V8 collects it lazily and keeps the freed pages for later, so the service
 * would carry ~3 MB more resident memory into its first minutes — under the admin password's
 * hash at first start and the first sign-ins (argon2id, 7 MiB each), which set the process's
 * peak. One "last resort" collection (V8's memory-reducing full GC, which also returns free
 * pages to the system) drops it.
 *
 * Needs `--expose-gc` (the image's CMD, `make run`, the bench); without it nothing happens.
 */
export function releaseStartUpMemory(gc: NodeJS.GCFunction | undefined = globalThis.gc): boolean {
  if (!gc) return false;
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  return true;
}

/**
 * Runs the collection once, in the root module's `onModuleInit`, which Nest calls after every
 * imported module's: after the control loop's start-up has driven the valve to the safe state
 * (nothing may come before that, design/safety.md), before any `onApplicationBootstrap` — the
 * first start's admin hash (auth.module.ts) and the first tick (LoopStarter). A pause of ~70 ms
 * here, a few hundred on a Pi, while no tick is due and nothing listens yet.
 */
@Injectable()
export class StartUpMemoryRelease implements OnModuleInit {
  onModuleInit(): void {
    releaseStartUpMemory();
  }
}
