import { HardwareError, HardwareErrorCode } from '../hardware.errors';
import { I2cBus } from '../i2c-bus';
import { createSimulatedRig } from '../testing/simulated-rig';
import { MegaindCard } from './megaind-card';
import { MegaindRegister } from './megaind.registers';

/** Passes everything through to `inner` but lets a test corrupt or fail what comes back. */
class TamperingBus extends I2cBus {
  tamperRead: ((register: number, data: Buffer) => Buffer) | null = null;
  failWith: Error | null = null;
  constructor(private readonly inner: I2cBus) {
    super();
  }
  override open(): Promise<void> {
    return this.inner.open();
  }
  override close(): Promise<void> {
    return this.inner.close();
  }
  override async readBlock(address: number, register: number, length: number): Promise<Buffer> {
    if (this.failWith) throw this.failWith;
    const data = await this.inner.readBlock(address, register, length);
    return this.tamperRead ? this.tamperRead(register, data) : data;
  }
  override writeBlock(address: number, register: number, data: Buffer): Promise<void> {
    return this.inner.writeBlock(address, register, data);
  }
}

const code = (c: HardwareErrorCode): unknown => expect.objectContaining({ code: c });

describe('MegaindCard on the simulated card', () => {
  describe('detection and addressing', () => {
    it('reads the firmware version as NN.NN', async () => {
      const { card } = await createSimulatedRig();
      await expect(card.detect()).resolves.toEqual({ major: 4, minor: 11, text: '04.11' });
      expect(card.address).toBe(0x50);
    });

    it('talks to a card at stack 3 at 0x53; a driver for stack 0 finds nothing', async () => {
      const { sim, card } = await createSimulatedRig({ stack: 3 });
      expect(card.address).toBe(0x53);
      await expect(card.detect()).resolves.toMatchObject({ text: '04.11' });

      const wrong = new MegaindCard(sim, { stack: 0, maxRetries: 0 });
      const error = await wrong.detect().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HardwareError);
      expect(error).toMatchObject({ code: HardwareErrorCode.NOT_DETECTED });
      expect((error as Error).message).toBe('no megaind card at 0x50 (stack 0)');
      expect((error as Error).cause).toMatchObject({ code: HardwareErrorCode.BUS_ERROR });
    });

    it('reports a missing card as NOT_DETECTED after the retries', async () => {
      const { sim, card, sleeps } = await createSimulatedRig();
      sim.setCardFault('card-missing');
      await expect(card.detect()).rejects.toEqual(code(HardwareErrorCode.NOT_DETECTED));
      expect(sleeps).toEqual([2, 4, 8]);
    });

    it.each([
      [0, 5],
      [255, 255],
      [4, 100],
    ])('rejects implausible firmware %i.%i as NOT_DETECTED', async (major, minor) => {
      const { card } = await createSimulatedRig({ firmware: { major, minor } });
      await expect(card.detect()).rejects.toEqual(code(HardwareErrorCode.NOT_DETECTED));
    });

    it('rejects a bad stack or retry policy at construction', async () => {
      const { sim } = await createSimulatedRig();
      expect(() => new MegaindCard(sim, { stack: 8 })).toThrow(RangeError);
      expect(() => new MegaindCard(sim, { stack: -1 })).toThrow(RangeError);
      expect(() => new MegaindCard(sim, { stack: 1.5 })).toThrow(RangeError);
      expect(() => new MegaindCard(sim, { stack: 0, maxRetries: -1 })).toThrow(RangeError);
      expect(() => new MegaindCard(sim, { stack: 0, retryBaseMs: -2 })).toThrow(RangeError);
    });
  });

  describe('4-20 mA inputs', () => {
    it('reads all four inputs in ONE 8-byte block at 44', async () => {
      const { sim, card } = await createSimulatedRig();
      const reads = jest.spyOn(sim, 'readBlock');

      const inputs = await card.readCurrentInputs();

      expect(reads).toHaveBeenCalledTimes(1);
      expect(reads).toHaveBeenCalledWith(0x50, 44, 8);
      // O2 transmitters still warming up, level 50 % on 0..100, input 4 unconnected.
      expect(inputs).toEqual([17.4, 17.4, 12, 0]);
    });

    it('decodes signed little-endian µA: −50 µA is −0.05 mA, 20.5 mA is 20.5', async () => {
      const { sim, card } = await createSimulatedRig();
      sim.injectCurrent(1, -0.05);
      sim.injectCurrent(2, 20.5);
      sim.injectCurrent(4, 0.256); // 0x0100: a byte-order mix-up would read 0.001 mA
      expect(await card.readCurrentInputs()).toEqual([-0.05, 20.5, 12, 0.256]);
    });
  });

  describe('open-drain outputs', () => {
    it('sets, clears and reads back each channel independently', async () => {
      const { card } = await createSimulatedRig();
      await card.setOpenDrain(2, true);
      await card.setOpenDrain(4, true);
      expect(await Promise.all([1, 2, 3, 4].map((ch) => card.readOpenDrain(ch)))).toEqual([
        false,
        true,
        false,
        true,
      ]);
      await card.setOpenDrain(2, false);
      expect(await card.readOpenDrain(2)).toBe(false);
      expect(await card.readOpenDrain(4)).toBe(true);
    });

    it('throws VERIFY_FAILED when the state bit does not follow', async () => {
      const { sim } = await createSimulatedRig();
      const bus = new TamperingBus(sim);
      bus.tamperRead = (register, data) =>
        register === MegaindRegister.OD_STATE ? Buffer.from([0]) : data;
      const card = new MegaindCard(bus, { stack: 0 });
      await expect(card.setOpenDrain(1, true)).rejects.toEqual(
        code(HardwareErrorCode.VERIFY_FAILED),
      );
    });

    it('runs concurrent operations one at a time, so verification never sees a foreign write', async () => {
      const { card } = await createSimulatedRig();
      await expect(
        Promise.all([card.setOpenDrain(1, true), card.setOpenDrain(1, false)]),
      ).resolves.toBeDefined();
      expect(await card.readOpenDrain(1)).toBe(false);
    });
  });

  describe('analog outputs', () => {
    it('writes µA as u16 LE at 12 + 2(ch−1) and reads the setpoint back', async () => {
      const { sim, card } = await createSimulatedRig();
      const writes = jest.spyOn(sim, 'writeBlock');
      await card.setCurrentOutput(3, 12.345);
      expect(writes).toHaveBeenCalledWith(0x50, 16, Buffer.from([0x39, 0x30]));
      expect(await card.readCurrentOutput(3)).toBe(12.345);
      await card.setCurrentOutput(1, 0);
      await card.setCurrentOutput(4, 20);
      expect(await card.readCurrentOutput(4)).toBe(20);
    });

    it('writes mV as int16 LE at 4 + 2(ch−1) and reads the setpoint back', async () => {
      const { sim, card } = await createSimulatedRig();
      const writes = jest.spyOn(sim, 'writeBlock');
      await card.setVoltageOutput(2, 7.5);
      expect(writes).toHaveBeenCalledWith(0x50, 6, Buffer.from([0x4c, 0x1d]));
      expect(await card.readVoltageOutput(2)).toBe(7.5);
    });

    it('throws VERIFY_FAILED when the readback is off by more than 1 µA', async () => {
      const { sim } = await createSimulatedRig();
      const bus = new TamperingBus(sim);
      const card = new MegaindCard(bus, { stack: 0 });
      bus.tamperRead = (_register, data) => {
        const copy = Buffer.from(data);
        copy.writeUInt16LE(data.readUInt16LE(0) + 1);
        return copy;
      };
      await expect(card.setCurrentOutput(1, 8)).resolves.toBeUndefined();
      bus.tamperRead = (_register, data) => Buffer.from([data[0] + 2, data[1]]);
      await expect(card.setCurrentOutput(1, 8)).rejects.toEqual(
        code(HardwareErrorCode.VERIFY_FAILED),
      );
    });
  });

  it('rejects out-of-range arguments with OUT_OF_RANGE without touching the bus', async () => {
    const { sim, card } = await createSimulatedRig();
    const rejected = [
      () => card.setOpenDrain(0, true),
      () => card.setOpenDrain(5, true),
      () => card.readOpenDrain(1.5),
      () => card.setCurrentOutput(1, 20.001),
      () => card.setCurrentOutput(1, -0.001),
      () => card.setCurrentOutput(1, Number.NaN),
      () => card.setVoltageOutput(1, 10.5),
      () => card.setVoltageOutput(5, 1),
      () => card.watchdogSetPeriod(9),
      () => card.watchdogSetPeriod(65001),
      () => card.watchdogSetPeriod(30.5),
      () => card.watchdogSetInitialPeriod(65000),
      () => card.watchdogSetOffTime(4_147_201),
      () => card.watchdogSetOffTime(5),
    ];
    for (const call of rejected) {
      await expect(call()).rejects.toEqual(code(HardwareErrorCode.OUT_OF_RANGE));
    }
    expect(sim.transactionCount).toBe(0);
  });

  it('reads the diagnostics in one 5-byte block', async () => {
    const { sim, card } = await createSimulatedRig({ plant: { supplyV: 23.456 } });
    const reads = jest.spyOn(sim, 'readBlock');
    expect(await card.readDiagnostics()).toEqual({ cpuTempC: 45, supplyV: 23.456, pi5vV: 5.1 });
    expect(reads).toHaveBeenCalledWith(0x50, 114, 5);
  });

  it('sets and reads back the watchdog registers', async () => {
    const { sim, card } = await createSimulatedRig();
    await card.watchdogSetPeriod(600);
    await card.watchdogSetInitialPeriod(900);
    await card.watchdogSetOffTime(4_147_200);
    expect(await card.watchdogGetPeriod()).toBe(600);
    expect(await card.watchdogGetInitialPeriod()).toBe(900);
    expect(await card.watchdogGetOffTime()).toBe(4_147_200);
    expect(sim.watchdogState()).toEqual({ enabled: false, periodS: 600, trips: 0 });
    await card.watchdogReload();
    expect(sim.watchdogState().enabled).toBe(true);
    await card.watchdogSetPeriod(65000);
    expect(sim.watchdogState().enabled).toBe(false);
  });

  describe('retries', () => {
    it('retries each transient failure once with failEvery 2 and counts the retries', async () => {
      const { sim, card, sleeps } = await createSimulatedRig();
      sim.setCardFault('i2c-error', { failEvery: 2 });
      for (let i = 0; i < 5; i++) {
        await expect(card.readCurrentInputs()).resolves.toHaveLength(4);
      }
      expect(sim.transactionCount).toBe(10);
      expect(sleeps).toEqual([2, 2, 2, 2, 2]);
      expect(card.stats()).toEqual({
        transactions: 5,
        retries: 5,
        failures: 0,
        lastError: expect.stringContaining('EREMOTEIO'),
      });
    });

    it('gives up after maxRetries+1 attempts with BUS_ERROR and backs off exponentially', async () => {
      const { sim, card, sleeps } = await createSimulatedRig({}, { maxRetries: 4, retryBaseMs: 5 });
      sim.setCardFault('i2c-error');
      const error = await card.readCurrentInputs().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HardwareError);
      expect(error).toMatchObject({ code: HardwareErrorCode.BUS_ERROR });
      expect((error as Error).cause).toMatchObject({ code: 'EREMOTEIO' });
      expect(sim.transactionCount).toBe(5);
      expect(sleeps).toEqual([5, 10, 20, 40]);
      expect(card.stats()).toMatchObject({ transactions: 1, retries: 4, failures: 1 });

      sim.setCardFault('none');
      await expect(card.readCurrentInputs()).resolves.toHaveLength(4);
      expect(card.stats()).toMatchObject({ transactions: 2, failures: 1 });
    });

    it('does not retry a permanent error (ENXIO)', async () => {
      const { sim, sleeps } = await createSimulatedRig();
      const bus = new TamperingBus(sim);
      bus.failWith = Object.assign(new Error('No such device'), { code: 'ENXIO' });
      const card = new MegaindCard(bus, { stack: 0 }, () => Promise.resolve());
      await expect(card.readDiagnostics()).rejects.toEqual(code(HardwareErrorCode.BUS_ERROR));
      expect(sleeps).toEqual([]);
      expect(card.stats()).toMatchObject({ retries: 0, failures: 1 });
    });

    it('passes BUS_CLOSED through unchanged', async () => {
      const { sim, card } = await createSimulatedRig();
      await sim.close();
      await expect(card.readCurrentInputs()).rejects.toEqual(code(HardwareErrorCode.BUS_CLOSED));
      expect(card.stats()).toMatchObject({ retries: 0, failures: 1 });
    });
  });
});
