import { HardwareError, HardwareErrorCode } from '../hardware.errors';
import { I2cBus } from '../i2c-bus';
import { MegaindTransport } from './megaind-transport';
import { requireBoolean, requireChannel, requireRange, verifyFailed } from './megaind-card.checks';
import {
  CurrentInputs,
  MegaindCardOptions,
  MegaindDiagnostics,
  MegaindFirmware,
  MegaindStats,
  Sleep,
} from './megaind-card.types';
import {
  CURRENT_IN_BLOCK_LENGTH,
  CURRENT_OUT_MAX_MA,
  currentOutRegister,
  DIAGNOSTICS_BLOCK_LENGTH,
  hexAddress,
  megaindAddress,
  MegaindRegister as Reg,
  VOLTAGE_OUT_MAX_V,
  voltageOutRegister,
  WATCHDOG_CLEAR_COUNT_KEY,
  WATCHDOG_DISABLE_PERIOD_S,
  WATCHDOG_MAX_INITIAL_PERIOD_S,
  WATCHDOG_MAX_OFF_TIME_S,
  WATCHDOG_MIN_S,
  WATCHDOG_RELOAD_KEY,
} from './megaind.registers';

const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Driver of one Sequent megaind HAT: typed, range-checked operations on its registers.
 * All bus access goes through a `MegaindTransport` (retries with back-off, health counters,
 * one operation at a time); outputs are verified by reading them back.
 */
export class MegaindCard {
  /** 7-bit I2C address: 0x50 + stack. */
  readonly address: number;
  /** Stack level, 0..7. */
  readonly stack: number;
  private readonly transport: MegaindTransport;

  /**
   * @param options stack 0..7; maxRetries (default 3) and retryBaseMs (default 2) per transaction.
   * @param sleep waits between retries; tests pass a fake one.
   * @throws RangeError for a stack outside 0..7, maxRetries outside 0..10 or retryBaseMs < 0.
   */
  constructor(bus: I2cBus, options: MegaindCardOptions, sleep: Sleep = realSleep) {
    this.address = megaindAddress(options.stack);
    this.stack = options.stack;
    const maxRetries = options.maxRetries ?? 3;
    const baseMs = options.retryBaseMs ?? 2;
    if (!Number.isInteger(maxRetries) || maxRetries < 0 || maxRetries > 10) {
      throw new RangeError(`maxRetries must be an integer 0..10, got ${maxRetries}`);
    }
    if (!Number.isFinite(baseMs) || baseMs < 0) {
      throw new RangeError(`retryBaseMs must be a number >= 0, got ${baseMs}`);
    }
    this.transport = new MegaindTransport(bus, this.address, { maxRetries, baseMs }, sleep);
  }

  /**
   * Check that a megaind answers at `address` by reading its firmware version (120/121).
   * @throws HardwareError NOT_DETECTED when nothing answers or the version is implausible
   *   (major 0 or > 99, minor > 99: e.g. an EEPROM at 0x50 returning 0xFF).
   */
  async detect(): Promise<MegaindFirmware> {
    const where = `${hexAddress(this.address)} (stack ${this.stack})`;
    let data: Buffer;
    try {
      data = await this.transport.read(Reg.FIRMWARE_MAJOR, 2);
    } catch (error) {
      // Catches the BUS_ERROR of a card that does not answer (NAK on every retry): during
      // detection that means "no card here", which is the error the caller acts on.
      throw new HardwareError(HardwareErrorCode.NOT_DETECTED, `no megaind card at ${where}`, {
        cause: error,
      });
    }
    const [major, minor] = [data[0], data[1]];
    if (major === 0 || major > 99 || minor > 99) {
      throw new HardwareError(
        HardwareErrorCode.NOT_DETECTED,
        `device at ${where} reports firmware ${major}.${minor}: not a megaind card`,
      );
    }
    const text = `${String(major).padStart(2, '0')}.${String(minor).padStart(2, '0')}`;
    return { major, minor, text };
  }

  /** All four 4-20 mA inputs, mA, from one 8-byte block read (signed: may be slightly < 0). */
  async readCurrentInputs(): Promise<CurrentInputs> {
    const data = await this.transport.read(Reg.CURRENT_IN, CURRENT_IN_BLOCK_LENGTH);
    const mA = (index: number): number => data.readInt16LE(2 * index) / 1000;
    return [mA(0), mA(1), mA(2), mA(3)];
  }

  /**
   * Switch open-drain output `channel` (1..4) on (energised) or off, then verify its state bit.
   * @throws HardwareError OUT_OF_RANGE; VERIFY_FAILED when the bit does not follow.
   */
  async setOpenDrain(channel: number, on: boolean): Promise<void> {
    requireChannel(channel);
    requireBoolean('open-drain state', on);
    await this.transport.exclusive(async (io) => {
      await io.write(on ? Reg.OD_SET : Reg.OD_CLEAR, Buffer.from([channel]));
      const state = (await io.read(Reg.OD_STATE, 1))[0];
      const actual = odBit(state, channel);
      if (actual !== on) throw verifyFailed(`open-drain ${channel}`, on, actual);
    });
  }

  /** Whether open-drain output `channel` (1..4) is on. */
  async readOpenDrain(channel: number): Promise<boolean> {
    requireChannel(channel);
    return odBit((await this.transport.read(Reg.OD_STATE, 1))[0], channel);
  }

  /**
   * Set 4-20 mA output `channel` to `mA` (0..20, 1 µA resolution), then verify the readback.
   * @throws HardwareError OUT_OF_RANGE; VERIFY_FAILED when the readback is off by > 1 µA.
   */
  async setCurrentOutput(channel: number, mA: number): Promise<void> {
    requireChannel(channel);
    requireRange('current output (mA)', mA, 0, CURRENT_OUT_MAX_MA);
    const data = Buffer.alloc(2);
    data.writeUInt16LE(Math.round(mA * 1000));
    await this.writeVerified(currentOutRegister(channel), data, `4-20 mA output ${channel}`, (b) =>
      b.readUInt16LE(0),
    );
  }

  /** Setpoint of 4-20 mA output `channel`, mA (the card returns the setpoint, not a measurement). */
  async readCurrentOutput(channel: number): Promise<number> {
    requireChannel(channel);
    return (await this.transport.read(currentOutRegister(channel), 2)).readUInt16LE(0) / 1000;
  }

  /**
   * Set 0-10 V output `channel` to `volts` (0..10, 1 mV resolution), then verify the readback.
   * @throws HardwareError OUT_OF_RANGE; VERIFY_FAILED when the readback is off by > 1 mV.
   */
  async setVoltageOutput(channel: number, volts: number): Promise<void> {
    requireChannel(channel);
    requireRange('voltage output (V)', volts, 0, VOLTAGE_OUT_MAX_V);
    const data = Buffer.alloc(2);
    data.writeInt16LE(Math.round(volts * 1000));
    await this.writeVerified(voltageOutRegister(channel), data, `0-10 V output ${channel}`, (b) =>
      b.readInt16LE(0),
    );
  }

  /** Setpoint of 0-10 V output `channel`, V. */
  async readVoltageOutput(channel: number): Promise<number> {
    requireChannel(channel);
    return (await this.transport.read(voltageOutRegister(channel), 2)).readInt16LE(0) / 1000;
  }

  /** CPU temperature, supply and Pi 5 V rail, from one 5-byte block read at 114. */
  async readDiagnostics(): Promise<MegaindDiagnostics> {
    const data = await this.transport.read(Reg.DIAG_CPU_TEMP, DIAGNOSTICS_BLOCK_LENGTH);
    return {
      cpuTempC: data.readUInt8(0),
      supplyV: data.readUInt16LE(1) / 1000,
      pi5vV: data.readUInt16LE(3) / 1000,
    };
  }

  /**
   * Reload the hardware watchdog; the first reload also enables it. ANY transaction with the
   * card reloads it too (docs/hardware.md §3), so the caller must decide liveness before touching it.
   */
  async watchdogReload(): Promise<void> {
    await this.transport.write(Reg.WDT_RELOAD, Buffer.from([WATCHDOG_RELOAD_KEY]));
  }

  /** Set the watchdog period, s (integer 10..65000; 65000 disables the watchdog). */
  async watchdogSetPeriod(seconds: number): Promise<void> {
    requireRange('watchdog period (s)', seconds, WATCHDOG_MIN_S, WATCHDOG_DISABLE_PERIOD_S, true);
    await this.transport.write(Reg.WDT_SET_PERIOD, u16(seconds));
  }

  /** Watchdog period, s. */
  async watchdogGetPeriod(): Promise<number> {
    return (await this.transport.read(Reg.WDT_GET_PERIOD, 2)).readUInt16LE(0);
  }

  /** Set the period used after a power cycle (time for the Pi to boot), s (10..64999). */
  async watchdogSetInitialPeriod(seconds: number): Promise<void> {
    requireRange(
      'initial period (s)',
      seconds,
      WATCHDOG_MIN_S,
      WATCHDOG_MAX_INITIAL_PERIOD_S,
      true,
    );
    await this.transport.write(Reg.WDT_SET_INITIAL_PERIOD, u16(seconds));
  }

  /** Period used after a power cycle, s. */
  async watchdogGetInitialPeriod(): Promise<number> {
    return (await this.transport.read(Reg.WDT_GET_INITIAL_PERIOD, 2)).readUInt16LE(0);
  }

  /** Set how long the Pi stays unpowered after a trip, s (10..4147200, i.e. 48 days). */
  async watchdogSetOffTime(seconds: number): Promise<void> {
    requireRange('off time (s)', seconds, WATCHDOG_MIN_S, WATCHDOG_MAX_OFF_TIME_S, true);
    const data = Buffer.alloc(4);
    data.writeUInt32LE(seconds);
    await this.transport.write(Reg.WDT_SET_OFF_TIME, data);
  }

  /** How long the Pi stays unpowered after a trip, s. */
  async watchdogGetOffTime(): Promise<number> {
    return (await this.transport.read(Reg.WDT_GET_OFF_TIME, 4)).readUInt32LE(0);
  }

  /** Number of power cycles the watchdog has done. */
  async watchdogGetResetCount(): Promise<number> {
    return (await this.transport.read(Reg.WDT_RESET_COUNT, 2)).readUInt16LE(0);
  }

  /** Zero the power-cycle count. */
  async watchdogClearResetCount(): Promise<void> {
    await this.transport.write(Reg.WDT_CLEAR_RESET_COUNT, Buffer.from([WATCHDOG_CLEAR_COUNT_KEY]));
  }

  /** A snapshot of the bus health counters. */
  stats(): MegaindStats {
    return this.transport.stats();
  }

  private async writeVerified(
    register: number,
    data: Buffer,
    what: string,
    decode: (raw: Buffer) => number,
  ): Promise<void> {
    await this.transport.exclusive(async (io) => {
      await io.write(register, data);
      const [expected, actual] = [decode(data), decode(await io.read(register, data.length))];
      if (Math.abs(actual - expected) > 1) throw verifyFailed(what, expected, actual);
    });
  }
}

function odBit(state: number, channel: number): boolean {
  return (state & (1 << (channel - 1))) !== 0;
}

function u16(value: number): Buffer {
  const data = Buffer.alloc(2);
  data.writeUInt16LE(value);
  return data;
}
