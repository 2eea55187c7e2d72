/**
 * The I2C bus as the card driver sees it: register-addressed block reads and writes.
 * One owner per process (the hardware module); opened in init, closed on shutdown.
 * Implementations: `LinuxI2cBus` (`/dev/i2c-N` through `i2c-bus`) and `SimulatedMegaind`
 * (a register-level emulation of the card), chosen by config.
 *
 * Errors are thrown as `Error` with a POSIX `code` (`EREMOTEIO`, `EIO`, `ETIMEDOUT`, `ENXIO`…),
 * like the kernel reports them; the driver decides which are transient.
 */
export abstract class I2cBus {
  abstract open(): Promise<void>;
  abstract close(): Promise<void>;
  /** Write the register pointer, then read `length` bytes (combined transaction). */
  abstract readBlock(address: number, register: number, length: number): Promise<Buffer>;
  /** One message: the register byte followed by `data`. */
  abstract writeBlock(address: number, register: number, data: Buffer): Promise<void>;
}
