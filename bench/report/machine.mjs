// @ts-check
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { BENCH_DIR, REPO_DIR } from '../lib/paths.mjs';

/**
 * The machine and the versions of everything measured, for the results header.
 * @param {import('../lib/image-node.mjs').BenchNode} [systemsNode] the Node the systems ran on
 */
export function describeMachine(systemsNode) {
  const osRelease = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    ramGb: Number((totalmem() / 2 ** 30).toFixed(1)),
    os: /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(osRelease)?.[1] ?? process.platform,
    kernel: release(),
    node: process.version,
    systemsNode: systemsNode ? describeSystemsNode(systemsNode) : process.version,
  };
}

/** @param {import('../lib/image-node.mjs').BenchNode} node */
function describeSystemsNode(node) {
  if (node.source === 'BENCH_NODE') {
    return `${node.version} (BENCH_NODE; the image's is v${node.imageVersion})`;
  }
  return `${node.version} (the image's)`;
}

/** Versions of the systems, servers and libraries in the run. */
export function describeVersions() {
  return {
    cryopilot: gitRevision(),
    nodeRed: packageVersion('node-red'),
    mqttJs: packageVersion('mqtt'),
    ws: packageVersion('ws'),
    playwrightCore: packageVersion('playwright-core'),
    mosquitto: debianVersion('mosquitto'),
    victoriaMetrics: debianVersion('victoria-metrics'),
    chromium: debianVersion('chromium'),
  };
}

/** @param {string} name */
function packageVersion(name) {
  const file = join(BENCH_DIR, 'node_modules', name, 'package.json');
  if (!existsSync(file)) return 'not installed';
  return /** @type {{ version: string }} */ (JSON.parse(readFileSync(file, 'utf8'))).version;
}

/** @param {string} name */
function debianVersion(name) {
  try {
    return execFileSync('dpkg-query', ['-W', '-f', '${Version}', name], {
      encoding: 'utf8',
    }).trim();
  } catch {
    // Not a Debian system, or the package is not installed: the report says so.
    return 'unknown';
  }
}

function gitRevision() {
  try {
    const sha = execFileSync('git', ['-C', REPO_DIR, 'rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync(
      'git',
      ['-C', REPO_DIR, 'status', '--porcelain', '--untracked-files=no'],
      {
        encoding: 'utf8',
      },
    ).trim();
    return dirty ? `${sha} (with uncommitted changes)` : sha;
  } catch {
    // Not a git checkout (e.g. an exported tree): the report says so.
    return 'unknown';
  }
}
