import { HardwareError, HardwareErrorCode } from './hardware.errors';
import { LinuxI2cBus } from './linux-i2c-bus';

/** Stand-in for the native addon's promisified bus; each test scripts what it returns. */
const fakeBus = {
  readI2cBlock: jest.fn(),
  writeI2cBlock: jest.fn(),
  close: jest.fn(),
};
const openPromisified = jest.fn();

// Virtual: the spec must run where the optional native module was never built.
jest.mock('i2c-bus', () => ({ openPromisified }), { virtual: true });

beforeEach(() => {
  jest.clearAllMocks();
  openPromisified.mockResolvedValue(fakeBus);
  fakeBus.close.mockResolvedValue(undefined);
});

describe('LinuxI2cBus', () => {
  it('opens the numbered bus once and reads a block into a buffer of the asked length', async () => {
    const bus = new LinuxI2cBus(1);
    await bus.open();
    await bus.open();
    expect(openPromisified).toHaveBeenCalledTimes(1);
    expect(openPromisified).toHaveBeenCalledWith(1);

    fakeBus.readI2cBlock.mockImplementation((_a: number, _r: number, len: number, buf: Buffer) => {
      buf.writeInt16LE(-50, 0);
      return Promise.resolve({ bytesRead: len, buffer: buf });
    });
    const data = await bus.readBlock(0x50, 44, 8);

    expect(fakeBus.readI2cBlock).toHaveBeenCalledWith(0x50, 44, 8, expect.any(Buffer));
    expect(data.length).toBe(8);
    expect(data.readInt16LE(0)).toBe(-50);
  });

  it('writes register and data in one block transfer', async () => {
    const bus = new LinuxI2cBus(1);
    await bus.open();
    fakeBus.writeI2cBlock.mockResolvedValue({ bytesWritten: 2, buffer: Buffer.alloc(2) });

    await bus.writeBlock(0x53, 12, Buffer.from([0xa0, 0x0f]));

    expect(fakeBus.writeI2cBlock).toHaveBeenCalledWith(0x53, 12, 2, Buffer.from([0xa0, 0x0f]));
  });

  it('turns a short read into an EIO error', async () => {
    const bus = new LinuxI2cBus(1);
    await bus.open();
    fakeBus.readI2cBlock.mockResolvedValue({ bytesRead: 1, buffer: Buffer.alloc(2) });

    await expect(bus.readBlock(0x50, 120, 2)).rejects.toMatchObject({ code: 'EIO' });
  });

  it('turns a short write into an EIO error', async () => {
    const bus = new LinuxI2cBus(1);
    await bus.open();
    fakeBus.writeI2cBlock.mockResolvedValue({ bytesWritten: 0, buffer: Buffer.alloc(1) });

    await expect(bus.writeBlock(0x50, 1, Buffer.from([1]))).rejects.toMatchObject({
      code: 'EIO',
    });
  });

  it('passes bus errors through with their POSIX code', async () => {
    const bus = new LinuxI2cBus(1);
    await bus.open();
    const nak = Object.assign(new Error('Remote I/O error'), { code: 'EREMOTEIO' });
    fakeBus.readI2cBlock.mockRejectedValue(nak);

    await expect(bus.readBlock(0x50, 120, 2)).rejects.toBe(nak);
  });

  it('throws BUS_CLOSED before open and after close, and closes the device once', async () => {
    const bus = new LinuxI2cBus(1);
    await expect(bus.readBlock(0x50, 120, 2)).rejects.toMatchObject({
      code: HardwareErrorCode.BUS_CLOSED,
    });

    await bus.open();
    await bus.close();
    await bus.close();

    expect(fakeBus.close).toHaveBeenCalledTimes(1);
    expect(bus.isOpen).toBe(false);
    await expect(bus.writeBlock(0x50, 1, Buffer.from([1]))).rejects.toMatchObject({
      code: HardwareErrorCode.BUS_CLOSED,
    });
  });

  it('reports a device that cannot be opened as NOT_DETECTED with the cause', async () => {
    const cause = Object.assign(new Error('no such file'), { code: 'ENOENT' });
    openPromisified.mockRejectedValue(cause);

    const error = await new LinuxI2cBus(1).open().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HardwareError);
    expect(error).toMatchObject({ code: HardwareErrorCode.NOT_DETECTED, cause });
    expect((error as Error).message).toContain('/dev/i2c-1');
  });

  it('rejects arguments no I2C transfer can carry without touching the device', async () => {
    const bus = new LinuxI2cBus(1);
    await bus.open();

    await expect(bus.readBlock(0x50, 44, 33)).rejects.toThrow(RangeError);
    await expect(bus.readBlock(0x80, 44, 2)).rejects.toThrow(RangeError);
    await expect(bus.writeBlock(0x50, 255, Buffer.alloc(2))).rejects.toThrow(RangeError);
    expect(fakeBus.readI2cBlock).not.toHaveBeenCalled();
    expect(fakeBus.writeI2cBlock).not.toHaveBeenCalled();
    expect(() => new LinuxI2cBus(-1)).toThrow(RangeError);
  });
});
