// @ts-check
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_DIR } from '../lib/paths.mjs';
import { IMAGE_ENV, SERVICE_ENV, SERVICE_NODE_FLAGS } from '../systems/cryopilot.mjs';

/**
 * The bench must measure the service as it ships: the Node flags and environment of
 * `systems/cryopilot.mjs` are those of the image's CMD and ENV (services/control/Dockerfile)
 * and of `make run` (Makefile). Read from the files as committed.
 */

const dockerfile = readFileSync(join(REPO_DIR, 'services/control/Dockerfile'), 'utf8');
const makefile = readFileSync(join(REPO_DIR, 'Makefile'), 'utf8');

/** The runtime stage's last `CMD [...]`, as an argv. */
function dockerCmd() {
  const commands = [...dockerfile.matchAll(/^CMD (\[.*\])$/gm)];
  assert.ok(commands.length > 0, 'the Dockerfile has no CMD in exec form');
  return /** @type {string[]} */ (JSON.parse(commands[commands.length - 1][1]));
}

/** The value of `NAME=value` in the Dockerfile's runtime ENV block. */
function dockerEnv(/** @type {string} */ name) {
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('AS runtime'));
  return new RegExp(`\\b${name}=(\\S+)`).exec(runtime)?.[1];
}

describe('the bench starts the service as the image and `make run` do', () => {
  it('Node flags: the image CMD', () => {
    assert.deepEqual(dockerCmd(), ['node', ...SERVICE_NODE_FLAGS, 'dist/main.js']);
  });

  it('Node flags: the Makefile', () => {
    const flags = /^SERVICE_NODE_FLAGS := (.*)$/m.exec(makefile)?.[1];
    assert.equal(flags, SERVICE_NODE_FLAGS.join(' '));
    assert.match(makefile, /node \$\(SERVICE_NODE_FLAGS\) dist\/main\.js/);
  });

  it('the image ENV that the bench sets too (JSON logs, production)', () => {
    for (const [name, value] of Object.entries(IMAGE_ENV)) {
      assert.equal(dockerEnv(name), value, `${name} in the Dockerfile`);
    }
  });

  it('environment: the image ENV and the Makefile', () => {
    for (const [name, value] of Object.entries(SERVICE_ENV)) {
      assert.equal(dockerEnv(name), value, `${name} in the Dockerfile`);
      assert.match(makefile, new RegExp(`\\b${name}=${value}\\b`), `${name} in the Makefile`);
    }
  });
});
