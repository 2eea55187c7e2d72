import { ManualClock } from '../../clock/testing/manual-clock';
import { HardwareErrorCode } from '../hardware.errors';
import { MegaindRegister } from '../megaind/megaind.registers';
import { createSimulatedRig, STANDARD_INPUTS } from '../testing/simulated-rig';
import { ValveOutput } from '../valve-output';
import { SimulatedMegaind } from './simulated-megaind';
import { SimulatedMegaindOptions } from './simulated-megaind.types';

const S = 1000;
const MIN = 60 * S;
/** mA an O2 transmitter on 0-25 %vol outputs for 20.9 %vol. */
const AIR_MA = 4 + (16 * 20.9) / 25;
const maValve = { kind: 'ma-proportional', channel: 2, closedMa: 4, openMa: 20 } as const;

describe('SimulatedMegaind', () => {
  describe('bus behaviour', () => {
    it('answers only at 0x50 + stack; other addresses NAK with EREMOTEIO', async () => {
      const { sim } = await createSimulatedRig({ stack: 3 });
      await expect(sim.readBlock(0x53, 120, 2)).resolves.toEqual(Buffer.from([4, 11]));
      await expect(sim.readBlock(0x50, 120, 2)).rejects.toMatchObject({ code: 'EREMOTEIO' });
      await expect(sim.writeBlock(0x54, 1, Buffer.from([1]))).rejects.toMatchObject({
        code: 'EREMOTEIO',
      });
      expect(sim.transactionCount).toBe(3);
    });

    it('throws BUS_CLOSED when not open, and RangeError for impossible blocks', async () => {
      const { sim } = await createSimulatedRig();
      await expect(sim.readBlock(0x50, 250, 8)).rejects.toThrow(RangeError);
      await sim.close();
      await expect(sim.readBlock(0x50, 120, 2)).rejects.toMatchObject({
        code: HardwareErrorCode.BUS_CLOSED,
      });
    });

    it('sets and clears OD bits 0..3 with 1..4 and LED bits 4..7 with 5..8 at registers 1/2', async () => {
      const { sim } = await createSimulatedRig();
      const state = async (): Promise<number> => (await sim.readBlock(0x50, 0, 1))[0];
      for (const n of [1, 3, 5, 8]) await sim.writeBlock(0x50, 1, Buffer.from([n]));
      expect(await state()).toBe(0b1001_0101);
      await sim.writeBlock(0x50, 2, Buffer.from([3]));
      await sim.writeBlock(0x50, 2, Buffer.from([8]));
      await sim.writeBlock(0x50, 1, Buffer.from([9])); // not an output: ignored
      expect(await state()).toBe(0b0001_0001);
    });

    it('keeps the input registers read-only', async () => {
      const { sim, card } = await createSimulatedRig();
      await sim.writeBlock(0x50, MegaindRegister.CURRENT_IN + 6, Buffer.from([0x10, 0x27]));
      expect((await card.readCurrentInputs())[3]).toBe(0);
    });
  });

  describe('transmitters', () => {
    it('O2 transmitters output 17.4 mA for warmupS of simulated time, then the measurement', async () => {
      const { clock, card } = await createSimulatedRig();
      clock.advance(59.999 * S);
      expect((await card.readCurrentInputs()).slice(0, 2)).toEqual([17.4, 17.4]);
      clock.advance(1);
      const [o2a, o2b, level] = await card.readCurrentInputs();
      expect(o2a).toBeCloseTo(AIR_MA, 3);
      expect(o2b).toBeCloseTo(AIR_MA, 3);
      expect(o2a).not.toBe(17.4);
      expect(level).toBeCloseTo(4 + 16 * 0.495, 3); // level transmitters have no warm-up
    });

    it('level transmitters have no warm-up, whatever warmupS says', async () => {
      const { card } = await createSimulatedRig({
        inputs: [{ input: 3, signal: 'level', range: { min: 0, max: 100 }, warmupS: 60 }],
      });
      expect((await card.readCurrentInputs())[2]).toBe(12);
    });

    it('maps the range linearly and saturates at 3.8 / 20.5 mA like a real transmitter', async () => {
      const { sim, card } = await createSimulatedRig({
        inputs: [
          { input: 1, signal: 'level', range: { min: 0, max: 90 }, warmupS: 0 },
          { input: 2, signal: 'level', range: { min: 10, max: 100 }, warmupS: 0 },
          { input: 4, signal: 'level', range: { min: 0, max: 200 }, warmupS: 0 },
        ],
      });
      sim.getPlant().setParams({ levelPct: 100 });
      expect(await card.readCurrentInputs()).toEqual([20.5, 20, 0, 12]);
      sim.getPlant().setParams({ levelPct: 0 });
      expect(await card.readCurrentInputs()).toEqual([4, 3.8, 0, 4]);
    });

    it('injects open-circuit (0 µA), over-range (22 mA) and stuck faults, and reports them', async () => {
      const { clock, sim, card } = await createSimulatedRig({
        plant: { o2NoisePct: 0, drainPctPerMin: 0 },
      });
      clock.advance(MIN);
      sim.setInputFault(1, 'open-circuit');
      sim.setInputFault(2, 'over-range');
      sim.setInputFault(3, 'stuck');
      expect(sim.faults()).toEqual({
        card: 'none',
        failEvery: null,
        inputs: { 1: 'open-circuit', 2: 'over-range', 3: 'stuck', 4: 'none' },
      });
      sim.getPlant().setParams({ levelPct: 90 });
      clock.advance(MIN);
      expect(await card.readCurrentInputs()).toEqual([0, 22, 12, 0]);

      sim.setInputFault(3, 'none');
      sim.setInputFault(2, 'none');
      const [, o2b, level] = await card.readCurrentInputs();
      expect(level).toBeCloseTo(4 + 16 * 0.9, 3);
      expect(o2b).toBeCloseTo(AIR_MA, 3);
    });

    it('restarts the O2 warm-up when an open circuit is repaired', async () => {
      const { clock, sim, card } = await createSimulatedRig();
      clock.advance(5 * MIN);
      sim.setInputFault(1, 'open-circuit');
      clock.advance(MIN);
      sim.setInputFault(1, 'none');
      clock.advance(30 * S);
      expect((await card.readCurrentInputs())[0]).toBe(17.4);
      clock.advance(30 * S);
      expect((await card.readCurrentInputs())[0]).toBeCloseTo(AIR_MA, 3);
    });

    it('follows the plant scenario, which starts when it is set', async () => {
      const { clock, sim, card } = await createSimulatedRig();
      clock.advance(10 * MIN);
      sim.getPlant().setScenario('o2-leak');
      clock.advance(10 * MIN);
      const [o2a, o2b] = await card.readCurrentInputs();
      expect(o2a).toBeCloseTo(4 + (16 * 17.9) / 25, 3);
      expect(o2b).toBeCloseTo(4 + (16 * (20.9 - 2.4)) / 25, 3);
    });

    it('rejects bad fault requests', async () => {
      const { sim } = await createSimulatedRig();
      expect(() => sim.setInputFault(5 as 1, 'stuck')).toThrow(RangeError);
      expect(() => sim.setInputFault(1, 'melted' as 'stuck')).toThrow(RangeError);
      expect(() => sim.setCardFault('card-missing', { failEvery: 2 })).toThrow(RangeError);
      expect(() => sim.setCardFault('i2c-error', { failEvery: 0 })).toThrow(RangeError);
      expect(() => sim.injectCurrent(1, 33)).toThrow(RangeError);
    });
  });

  describe('card faults', () => {
    it('i2c-error with failEvery 3 fails the first transaction and then every third', async () => {
      const { sim } = await createSimulatedRig();
      sim.setCardFault('i2c-error', { failEvery: 3 });
      expect(sim.faults()).toMatchObject({ card: 'i2c-error', failEvery: 3 });
      const outcomes: string[] = [];
      for (let i = 0; i < 7; i++) {
        outcomes.push(
          await sim.readBlock(0x50, 120, 1).then(
            () => 'ok',
            (e: NodeJS.ErrnoException) => e.code ?? '?',
          ),
        );
      }
      expect(outcomes).toEqual(['EREMOTEIO', 'ok', 'ok', 'EREMOTEIO', 'ok', 'ok', 'EREMOTEIO']);
    });

    it('failed transactions change no register', async () => {
      const { sim, card } = await createSimulatedRig({}, { maxRetries: 0 });
      sim.setCardFault('i2c-error');
      await expect(card.setCurrentOutput(1, 10)).rejects.toMatchObject({
        code: HardwareErrorCode.BUS_ERROR,
      });
      sim.setCardFault('none');
      expect(await card.readCurrentOutput(1)).toBe(0);
    });

    it('input-read-error fails only reads that touch the input registers; writes work', async () => {
      const { sim, card } = await createSimulatedRig({}, { maxRetries: 0 });
      const valve = new ValveOutput(card, { kind: 'od-switch', channel: 1, normallyOpen: false });
      sim.setCardFault('input-read-error');
      await expect(card.readCurrentInputs()).rejects.toMatchObject({
        code: HardwareErrorCode.BUS_ERROR,
      });
      // One byte of the last input register, and a block that only overlaps the first one.
      await expect(sim.readBlock(0x50, MegaindRegister.CURRENT_IN + 7, 1)).rejects.toThrow(
        'injected input read error',
      );
      await expect(sim.readBlock(0x50, MegaindRegister.CURRENT_IN - 1, 2)).rejects.toThrow();
      // Just outside the block on either side reads fine.
      await expect(sim.readBlock(0x50, MegaindRegister.CURRENT_IN - 1, 1)).resolves.toHaveLength(1);
      await expect(sim.readBlock(0x50, MegaindRegister.CURRENT_IN + 8, 1)).resolves.toHaveLength(1);
      expect(await card.detect()).toMatchObject({ major: 4 });
      // A valve write and its verifying read-back go through: the valve follows.
      await valve.write(100);
      expect(sim.valveOpening()).toBe(1);
      await valve.write(0);
      expect(sim.valveOpening()).toBe(0);
    });

    it('write-error fails every write and no other transaction', async () => {
      const { sim, card } = await createSimulatedRig({}, { maxRetries: 0 });
      const valve = new ValveOutput(card, { kind: 'od-switch', channel: 1, normallyOpen: false });
      sim.setCardFault('write-error');
      await expect(valve.write(100)).rejects.toMatchObject({ code: HardwareErrorCode.BUS_ERROR });
      await expect(card.watchdogReload()).rejects.toThrow('injected write error');
      expect(sim.valveOpening()).toBe(0);
      expect(await card.readCurrentInputs()).toHaveLength(4);
      expect(await card.detect()).toMatchObject({ major: 4 });
    });
  });

  describe('watchdog', () => {
    it('is disabled at power-up: silence never trips it', async () => {
      const { clock, sim } = await createSimulatedRig();
      clock.advance(60 * MIN);
      expect(sim.watchdogState()).toEqual({ enabled: false, periodS: 120, trips: 0 });
    });

    it('never trips while any transaction keeps touching the card', async () => {
      const { clock, sim, card } = await createSimulatedRig();
      await card.watchdogSetPeriod(60);
      await card.watchdogReload();
      for (let i = 0; i < 40; i++) {
        clock.advance(50 * S);
        await card.readCurrentInputs(); // not a reload command: the pitfall of docs/hardware.md §3
      }
      expect(sim.watchdogState()).toEqual({ enabled: true, periodS: 60, trips: 0 });
    });

    it('trips once per silence longer than the period and counts the re-power', async () => {
      const { clock, sim, card } = await createSimulatedRig();
      await card.watchdogSetPeriod(60);
      await card.watchdogReload();
      clock.advance(60 * S);
      expect(sim.watchdogState().trips).toBe(0);
      clock.advance(1);
      expect(sim.watchdogState().trips).toBe(1);
      clock.advance(10 * MIN);
      expect(sim.watchdogState().trips).toBe(1);
      expect(await card.watchdogGetResetCount()).toBe(1);

      clock.advance(61 * S);
      await card.readDiagnostics();
      expect(sim.watchdogState().trips).toBe(2);
      await card.watchdogClearResetCount();
      expect(await card.watchdogGetResetCount()).toBe(0);
    });

    it('does not trip when disabled with period 65000', async () => {
      const { clock, sim, card } = await createSimulatedRig();
      await card.watchdogReload();
      await card.watchdogSetPeriod(65000);
      clock.advance(24 * 60 * MIN);
      expect(sim.watchdogState()).toEqual({ enabled: false, periodS: 65000, trips: 0 });
    });
  });

  describe('closed loop through the registers', () => {
    it('a valve opened through ValveOutput fills the dewar; closed, it drains', async () => {
      const { clock, sim, card } = await createSimulatedRig({ plant: { levelPct: 20 } });
      const valve = new ValveOutput(card, { kind: 'od-switch', channel: 1, normallyOpen: false });
      await valve.write(100);
      for (let s = 0; s < 5 * 60; s += 10) {
        clock.advance(10 * S);
        await card.readCurrentInputs();
      }
      expect(sim.getPlant().levelPct).toBeCloseTo(20 + 5 * 3.5, 6);
      expect((await card.readCurrentInputs())[2]).toBeCloseTo(4 + 16 * 0.375, 3);

      await valve.write(0);
      clock.advance(10 * MIN);
      expect((await card.readCurrentInputs())[2]).toBeCloseTo(4 + 16 * 0.325, 3);
    });

    it('a proportional valve at 50 % fills at half the rate (4-20 mA and 0-10 V)', async () => {
      const ma = await createSimulatedRig({
        plant: { levelPct: 20, drainPctPerMin: 0 },
        valve: maValve,
      });
      await new ValveOutput(ma.card, maValve).write(50);
      ma.clock.advance(10 * MIN);
      expect(ma.sim.getPlant().levelPct).toBeCloseTo(40, 6);

      const volts = await createSimulatedRig({
        plant: { levelPct: 20, drainPctPerMin: 0 },
        valve: { kind: 'v-proportional', channel: 4, closedV: 10, openV: 0 },
      });
      await volts.card.setVoltageOutput(4, 2.5);
      volts.clock.advance(10 * MIN);
      expect(volts.sim.getPlant().levelPct).toBeCloseTo(50, 6);
    });
  });

  it('rejects bad options, naming the fields', () => {
    const base: SimulatedMegaindOptions = {
      clock: new ManualClock(),
      stack: 0,
      inputs: STANDARD_INPUTS,
      valve: { kind: 'od-switch', channel: 1, normallyOpen: false },
    };
    const make = (o: Partial<SimulatedMegaindOptions>) => () =>
      new SimulatedMegaind({ ...base, ...o });
    expect(make({ stack: 8 })).toThrow(RangeError);
    expect(make({ inputs: [STANDARD_INPUTS[0], { ...STANDARD_INPUTS[1], input: 1 }] })).toThrow(
      /wired twice/,
    );
    expect(make({ inputs: [{ ...STANDARD_INPUTS[2], warmupS: -5 }] })).toThrow(/warmupS/);
    expect(make({ inputs: [{ ...STANDARD_INPUTS[0], sensorIndex: 2 as 1 }] })).toThrow(
      /sensorIndex/,
    );
    expect(make({ inputs: [{ ...STANDARD_INPUTS[0], range: { min: 5, max: 5 } }] })).toThrow(
      /range/,
    );
    expect(make({ firmware: { major: 256, minor: 0 } })).toThrow(/firmware.major/);
    expect(
      make({ valve: { kind: 'ma-proportional', channel: 1, closedMa: 4, openMa: 21 } }),
    ).toThrow(/openMa/);
    expect(make({ plant: { levelPct: -1 } })).toThrow(/levelPct/);
  });
});
