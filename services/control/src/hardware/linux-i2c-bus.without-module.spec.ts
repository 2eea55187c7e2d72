import { HardwareError, HardwareErrorCode } from './hardware.errors';
import { LinuxI2cBus } from './linux-i2c-bus';

// What `require` does on a machine where the optional native module was never built.
jest.mock(
  'i2c-bus',
  () => {
    throw new Error("Cannot find module 'i2c-bus'");
  },
  { virtual: true },
);

describe('LinuxI2cBus without the native i2c-bus module', () => {
  it('can be constructed (the module loads lazily) but open() throws NOT_DETECTED with advice', async () => {
    const bus = new LinuxI2cBus(1);

    const error = await bus.open().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HardwareError);
    expect(error).toMatchObject({ code: HardwareErrorCode.NOT_DETECTED });
    expect((error as Error).message).toMatch(/build tools/);
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(bus.isOpen).toBe(false);
  });
});
