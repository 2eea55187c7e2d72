// @ts-check
/**
 * Reaction-time probe, preloaded into the service by the bench only
 * (`node --import ./bench/probes/register-probe.mjs dist/main.js`): it changes no behaviour and
 * no source file of the service. It wraps methods of the simulator's compiled classes — the
 * very module instances `main.js` loads, since importing CommonJS from here goes through the
 * same module cache:
 *
 * - `PlantModel.prototype.setScenario`: the instant the simulated room changes (an O2 drop is a
 *   step, so the threshold is crossed at that instant) — the "crossing";
 * - `SimulatedMegaind.prototype.writeBlock`: after each write lands in the card's register file,
 *   the valve opening decoded from the registers (the function the plant itself uses); a change
 *   is the "valve output write";
 * - `SimulatedMegaind.prototype.readBlock`: the time of the latest read of the 4–20 mA inputs
 *   (kept in memory only, reported with the next valve change), to split the reaction into
 *   "waiting for the next acquisition" and "acquisition → output write".
 *
 * Each event is one JSON line with `process.hrtime.bigint()` (same process, same clock), written
 * synchronously to the file named by BENCH_PROBE_FILE (a few µs, only on those rare events).
 */
import { openSync, writeSync } from 'node:fs';
import { MegaindRegister } from '../../services/control/dist/hardware/megaind/megaind.registers.js';
import { PlantModel } from '../../services/control/dist/hardware/simulator/plant-model.js';
import { SimulatedMegaind } from '../../services/control/dist/hardware/simulator/simulated-megaind.js';
import { valveOpenFraction } from '../../services/control/dist/hardware/simulator/valve-open-fraction.js';

const file = process.env.BENCH_PROBE_FILE;
if (!file) throw new Error('register-probe: BENCH_PROBE_FILE must be set');
const fd = openSync(file, 'a');

/** @param {Record<string, unknown>} event */
function record(event) {
  writeSync(fd, `${JSON.stringify(event)}\n`);
}

/**
 * The valve opening as the card's registers hold it. Reads the card's private register file and
 * valve config: if the simulator renames them, fail loudly rather than report nothing.
 * @param {SimulatedMegaind} card
 * @returns {number}
 */
function openFraction(card) {
  const internals = /** @type {{ registers?: unknown, valve?: unknown }} */ (
    /** @type {unknown} */ (card)
  );
  if (!Buffer.isBuffer(internals.registers) || !internals.valve) {
    throw new Error('register-probe: SimulatedMegaind no longer has `registers`/`valve` fields');
  }
  return valveOpenFraction(
    internals.registers,
    /** @type {Parameters<typeof valveOpenFraction>[1]} */ (internals.valve),
  );
}

/** hrtime of the latest input read, or null before the first. @type {bigint | null} */
let lastInputReadHrNs = null;

const originalRead = SimulatedMegaind.prototype.readBlock;
/**
 * @this {SimulatedMegaind}
 * @param {number} address
 * @param {number} register
 * @param {number} length
 */
SimulatedMegaind.prototype.readBlock = function probedReadBlock(address, register, length) {
  if (register === MegaindRegister.CURRENT_IN) lastInputReadHrNs = process.hrtime.bigint();
  return originalRead.call(this, address, register, length);
};

const originalWrite = SimulatedMegaind.prototype.writeBlock;
/**
 * @this {SimulatedMegaind}
 * @param {number} address
 * @param {number} register
 * @param {Buffer} data
 */
SimulatedMegaind.prototype.writeBlock = function probedWriteBlock(address, register, data) {
  const before = openFraction(this);
  return originalWrite.call(this, address, register, data).then(() => {
    const after = openFraction(this);
    if (after !== before) {
      const hrNs = process.hrtime.bigint();
      record({
        kind: 'valve',
        fraction: after,
        hrNs: String(hrNs),
        inputReadHrNs: lastInputReadHrNs === null ? null : String(lastInputReadHrNs),
        wallMs: Date.now(),
      });
    }
  });
};

const originalSetScenario = PlantModel.prototype.setScenario;
/**
 * @this {PlantModel}
 * @param {Parameters<PlantModel['setScenario']>} args
 */
PlantModel.prototype.setScenario = function probedSetScenario(...args) {
  originalSetScenario.apply(this, args);
  const hrNs = process.hrtime.bigint();
  record({ kind: 'scenario', name: args[0], hrNs: String(hrNs), wallMs: Date.now() });
};

record({ kind: 'probe-loaded', hrNs: String(process.hrtime.bigint()), wallMs: Date.now() });
