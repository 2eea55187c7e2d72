// @ts-check
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BENCH_DIR, SERVICE_DIR } from '../lib/paths.mjs';
import { parseProbeLines } from '../systems/probe-log.mjs';

const DIST = join(SERVICE_DIR, 'dist');

/**
 * The reaction probe against the service's compiled simulator (build it first): it sees the
 * valve opening and closing in the card's registers, the scenario step, and the input read
 * before the write — and the card still behaves as without it.
 */
describe('register probe (real simulated card from dist/)', () => {
  it('timestamps valve writes, scenario steps and the input read before a write', () => {
    assert.ok(existsSync(join(DIST, 'main.js')), 'build the service first: npm run build');
    const dir = mkdtempSync(join(tmpdir(), 'bench-probe-test-'));
    const file = join(dir, 'probe.jsonl');
    const script = join(dir, 'drive-card.cjs');
    writeFileSync(
      script,
      `
const dist = ${JSON.stringify(DIST)};
const { SimulatedMegaind } = require(dist + '/hardware/simulator/simulated-megaind.js');
const { SystemClock } = require(dist + '/clock/clock.js');
const { MegaindRegister: R, CURRENT_IN_BLOCK_LENGTH } = require(dist + '/hardware/megaind/megaind.registers.js');
(async () => {
  const card = new SimulatedMegaind({
    clock: new SystemClock(), stack: 0,
    inputs: [{ input: 1, signal: 'o2', sensorIndex: 0, range: { min: 0, max: 25 }, warmupS: 0 }],
    valve: { kind: 'od-switch', channel: 1, normallyOpen: false },
    plant: { o2NoisePct: 0 },
  });
  await card.open();
  await card.readBlock(card.address, R.CURRENT_IN, CURRENT_IN_BLOCK_LENGTH);
  await card.writeBlock(card.address, R.OD_SET, Buffer.from([1]));   // energise: valve opens
  await card.writeBlock(card.address, R.OD_SET, Buffer.from([1]));   // same state: no event
  card.getPlant().setScenario('o2-drop', { dropToPct: 15 });
  const inputs = await card.readBlock(card.address, R.CURRENT_IN, CURRENT_IN_BLOCK_LENGTH);
  await card.writeBlock(card.address, R.OD_CLEAR, Buffer.from([1])); // valve closes
  const od = await card.readBlock(card.address, R.OD_STATE, 1);
  console.log(JSON.stringify({ o2uA: inputs.readInt16LE(0), odState: od[0] }));
})();
`,
    );
    try {
      const run = spawnSync(
        process.execPath,
        ['--import', join(BENCH_DIR, 'probes/register-probe.mjs'), script],
        {
          env: { ...process.env, BENCH_PROBE_FILE: file },
          encoding: 'utf8',
        },
      );
      assert.equal(run.status, 0, run.stderr);
      // The card behaves as without the probe: 15 %vol → 13.6 mA, and the valve output is off.
      assert.deepEqual(JSON.parse(run.stdout), { o2uA: 13600, odState: 0 });
      const events = parseProbeLines(readFileSync(file, 'utf8'));
      assert.deepEqual(
        events.map((e) =>
          e.kind === 'valve'
            ? `valve ${e.fraction}`
            : e.kind === 'scenario'
              ? `scenario ${e.name}`
              : e.kind,
        ),
        ['probe-loaded', 'valve 1', 'scenario o2-drop', 'valve 0'],
      );
      const [, opened, step, closed] = events;
      assert.ok(opened.hrNs < step.hrNs && step.hrNs < closed.hrNs);
      assert.ok(closed.kind === 'valve' && closed.inputReadHrNs !== null);
      assert.ok(
        closed.kind === 'valve' &&
          closed.inputReadHrNs !== null &&
          closed.inputReadHrNs > step.hrNs,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to load without its settings rather than measure nothing', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', join(BENCH_DIR, 'probes/register-probe.mjs'), '-e', '0'],
      {
        env: { PATH: process.env.PATH },
        encoding: 'utf8',
      },
    );
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /BENCH_PROBE_FILE must be set/);
  });
});
