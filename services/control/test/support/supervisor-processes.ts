import { readdirSync, readFileSync } from 'node:fs';

/**
 * Pids of the loop supervisor processes (bash, `control/loop-supervisor.ts`) watching `pid`,
 * found by their arguments in /proc: to see that none is left behind.
 */
export function supervisorsOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
        return args.includes('cryopilot-loop-supervisor') && args.includes(String(pid));
      } catch {
        return false; // ended while we looked
      }
    })
    .map(Number);
}
