// @ts-check
/**
 * Memory probe, preloaded into the service by the bench only
 * (`node --import ./bench/probes/memory-probe.mjs dist/main.js`), like the register probe: no
 * service code changes. On SIGWINCH it appends one JSON line to BENCH_MEMORY_FILE with
 * `process.memoryUsage()` and the V8 heap spaces, so the harness can split RSS into V8 heap
 * (used and reserved, young and old generation), external memory and the rest. It writes
 * nothing unless asked, so it adds no storage writes to the windows that count them.
 */
import { appendFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

const file = process.env.BENCH_MEMORY_FILE;
if (!file) throw new Error('memory-probe: BENCH_MEMORY_FILE must be set');

// SIGWINCH: ignored by default, so harmless to a process without the probe, and not among the
// signals the service shuts down on (Nest's shutdown hooks take SIGUSR2; Node keeps SIGUSR1
// for its inspector).
process.on('SIGWINCH', () => {
  const usage = process.memoryUsage();
  /** @type {Record<string, { size: number, used: number }>} */
  const spaces = {};
  for (const space of getHeapSpaceStatistics()) {
    spaces[space.space_name] = { size: space.space_size, used: space.space_used_size };
  }
  appendFileSync(file, `${JSON.stringify({ wallMs: Date.now(), ...usage, spaces })}\n`);
});
