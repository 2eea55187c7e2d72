// @ts-check
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { REPO_DIR, SERVICE_MAIN } from '../lib/paths.mjs';

/** Where the run ran, and which build of the service it attacked. */
export function describeMachine() {
  const git = (/** @type {string[]} */ args) => {
    try {
      return execFileSync('git', args, { cwd: REPO_DIR, encoding: 'utf8' }).trim();
    } catch {
      // Not a git checkout (an unpacked archive): the figures stand without the commit.
      return '';
    }
  };
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    commit: git(['rev-parse', '--short', 'HEAD']) || 'unknown',
    dirty: git(['status', '--porcelain', '--', 'services', 'packages']) !== '',
    serviceBuiltAt: statSync(SERVICE_MAIN).mtime.toISOString(),
    root: process.getuid?.() === 0,
  };
}
