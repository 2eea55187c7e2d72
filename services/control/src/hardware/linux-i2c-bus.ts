import type * as I2cBusModule from 'i2c-bus';
import { HardwareError, HardwareErrorCode } from './hardware.errors';
import { I2cBus } from './i2c-bus';
import { assertBlockArgs, describeError, i2cError } from './i2c-errors';
import { hexAddress } from './megaind/megaind.registers';

/**
 * `/dev/i2c-N` through the `i2c-bus` native addon (SMBus I2C-block transfers: a combined
 * pointer-write + read with a repeated start, which the megaind firmware accepts).
 *
 * `i2c-bus` is an optional dependency that needs a compiler to build; it is loaded only when
 * this class is opened, so the simulator and the tests run on machines without it.
 */
export class LinuxI2cBus extends I2cBus {
  private bus: I2cBusModule.PromisifiedBus | null = null;

  /** @param busNumber N of `/dev/i2c-N` (1 on the Raspberry Pi 40-pin header). */
  constructor(readonly busNumber: number) {
    super();
    if (!Number.isInteger(busNumber) || busNumber < 0) {
      throw new RangeError(`busNumber must be an integer >= 0, got ${busNumber}`);
    }
  }

  /** Device path, for messages. */
  get devicePath(): string {
    return `/dev/i2c-${this.busNumber}`;
  }

  /** Whether `open()` has succeeded and `close()` has not been called since. */
  get isOpen(): boolean {
    return this.bus !== null;
  }

  /**
   * Load `i2c-bus` and open the device. Idempotent.
   * @throws HardwareError NOT_DETECTED when the addon is missing or the device cannot be opened.
   */
  override async open(): Promise<void> {
    if (this.bus !== null) return;
    const i2c = loadI2cBusModule();
    try {
      this.bus = await i2c.openPromisified(this.busNumber);
    } catch (error) {
      // Catches ENOENT (I2C not enabled / device not passed into the container) and
      // EACCES/EPERM (user not in the i2c group): turned into one actionable error.
      throw new HardwareError(
        HardwareErrorCode.NOT_DETECTED,
        `cannot open ${this.devicePath} (${describeError(error)}): enable I2C on the host, ` +
          `pass the device into the container and give the user access (i2c group)`,
        { cause: error },
      );
    }
  }

  /** Release the device. Idempotent; a failing close still leaves the bus closed. */
  override async close(): Promise<void> {
    const bus = this.bus;
    this.bus = null;
    if (bus !== null) await bus.close();
  }

  /**
   * Combined pointer-write + read of `length` bytes.
   * @throws Error with code EIO when fewer bytes arrive; errors of `i2c-bus` pass through.
   */
  override async readBlock(address: number, register: number, length: number): Promise<Buffer> {
    assertBlockArgs(address, register, length);
    const bus = this.openBus();
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await bus.readI2cBlock(address, register, length, buffer);
    if (bytesRead < length) {
      throw i2cError(
        'EIO',
        `short read at ${hexAddress(address)} reg ${register}: ` +
          `${bytesRead} of ${length} bytes`,
      );
    }
    return buffer;
  }

  /**
   * One message: `register` followed by `data`.
   * @throws Error with code EIO when fewer bytes are written; errors of `i2c-bus` pass through.
   */
  override async writeBlock(address: number, register: number, data: Buffer): Promise<void> {
    assertBlockArgs(address, register, data.length);
    const bus = this.openBus();
    const { bytesWritten } = await bus.writeI2cBlock(address, register, data.length, data);
    if (bytesWritten < data.length) {
      throw i2cError(
        'EIO',
        `short write at ${hexAddress(address)} reg ${register}: ` +
          `${bytesWritten} of ${data.length} bytes`,
      );
    }
  }

  private openBus(): I2cBusModule.PromisifiedBus {
    if (this.bus === null) {
      throw new HardwareError(HardwareErrorCode.BUS_CLOSED, `${this.devicePath} is not open`);
    }
    return this.bus;
  }
}

function loadI2cBusModule(): typeof I2cBusModule {
  try {
    // A lazy require, not an import: the optional native addon must not be loaded (and must not
    // have to exist) unless real hardware is used.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('i2c-bus') as typeof I2cBusModule;
  } catch (error) {
    // Catches MODULE_NOT_FOUND (the optional dependency was skipped because the build failed)
    // and a native binding that does not load (compiled for another Node version).
    throw new HardwareError(
      HardwareErrorCode.NOT_DETECTED,
      `the i2c-bus native module is not available (${describeError(error)}): install the build ` +
        `tools (python3, make, g++) and reinstall/rebuild it on the Raspberry Pi, or use the ` +
        `simulated hardware driver`,
      { cause: error },
    );
  }
}
