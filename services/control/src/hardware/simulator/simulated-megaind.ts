import { Clock } from '../../clock/clock';
import { HardwareError, HardwareErrorCode } from '../hardware.errors';
import { I2cBus } from '../i2c-bus';
import { assertBlockArgs, i2cError } from '../i2c-errors';
import {
  currentInRegister,
  hexAddress,
  MEGAIND_CHANNEL_COUNT,
  megaindAddress,
  MegaindRegister as Reg,
  WATCHDOG_CLEAR_COUNT_KEY,
  WATCHDOG_RELOAD_KEY,
} from '../megaind/megaind.registers';
import { ValveOutputConfig } from '../valve-output.config';
import { PlantModel } from './plant-model';
import { SimulatedInputChannel } from './simulated-input-channel';
import {
  CardFault,
  InputFault,
  InputNumber,
  SimulatedFaults,
  SimulatedMegaindOptions,
  WatchdogState,
} from './simulated-megaind.types';
import {
  assertInputNumber,
  CARD_FAULTS,
  INPUT_FAULTS,
  validateSimulatedMegaindOptions,
} from './simulated-megaind.validation';
import { SimulatedWatchdog } from './simulated-watchdog';
import { valveOpenFraction } from './valve-open-fraction';

/** Whether a read of `length` bytes at `register` touches the 4–20 mA input registers. */
function readsInputs(register: number, length: number): boolean {
  const first = currentInRegister(1);
  const end = currentInRegister(MEGAIND_CHANNEL_COUNT) + 2;
  return register < end && register + length > first;
}

/** A promise that never settles: the outcome of a transaction on a hung bus. */
const NEVER = new Promise<never>(() => undefined);
/** Waited on by a blocking transaction (nothing ever notifies it). */
const BLOCK = new Int32Array(new SharedArrayBuffer(4));

/** Fixed diagnostics of the emulated card. */
const CPU_TEMP_C = 45;
const PI_5V_MV = 5100;

/**
 * A register-level emulation of one megaind card plus the plant it is wired to, so the real
 * `MegaindCard` driver runs unchanged against it. A 256-byte register file; computed registers
 * (inputs, diagnostics, watchdog, firmware) are refreshed before each transaction, after the
 * plant has been advanced by the clock time since the previous one, with the valve opening
 * decoded from the card's own output registers.
 */
export class SimulatedMegaind extends I2cBus {
  /** Address the emulated card answers at: 0x50 + stack. */
  readonly address: number;
  private readonly clock: Clock;
  private readonly valve: ValveOutputConfig;
  private readonly firmware: { major: number; minor: number };
  private readonly registers = Buffer.alloc(256);
  private readonly plant: PlantModel;
  private readonly inputs: SimulatedInputChannel[];
  private readonly watchdog: SimulatedWatchdog;
  private lastStepMs: number;
  private opened = false;
  private transactions = 0;
  private cardFault: CardFault = 'none';
  private failEvery: number | null = null;
  /** Transactions since the card fault was set, to pick every Nth. */
  private faultedTransactions = 0;

  /** @throws RangeError listing every bad option. */
  constructor(options: SimulatedMegaindOptions) {
    super();
    validateSimulatedMegaindOptions(options);
    this.address = megaindAddress(options.stack);
    this.clock = options.clock;
    this.valve = options.valve;
    this.firmware = { ...(options.firmware ?? { major: 4, minor: 11 }) };
    this.plant = new PlantModel(options.plant);
    const startMs = this.clock.now().mono;
    this.lastStepMs = startMs;
    this.inputs = ([1, 2, 3, 4] as const).map(
      (n) => new SimulatedInputChannel(options.inputs.find((i) => i.input === n) ?? null, startMs),
    );
    this.watchdog = new SimulatedWatchdog(startMs);
  }

  /** Bus transactions attempted, at any address, failed ones included. */
  get transactionCount(): number {
    return this.transactions;
  }

  /** Open the emulated bus (nothing to acquire). */
  override open(): Promise<void> {
    this.opened = true;
    return Promise.resolve();
  }

  /** Close the emulated bus; later transactions throw BUS_CLOSED like the real one. */
  override close(): Promise<void> {
    this.opened = false;
    return Promise.resolve();
  }

  /** Read `length` bytes of the register file (computed registers refreshed first). */
  override readBlock(address: number, register: number, length: number): Promise<Buffer> {
    if (this.hangs()) return NEVER;
    // Resolved asynchronously like a real bus; a throw inside becomes a rejection.
    return Promise.resolve().then(() => {
      this.beginTransaction(address, register, length, 'read');
      return Buffer.from(this.registers.subarray(register, register + length));
    });
  }

  /** Write `data` into the register file and apply the card's command side effects. */
  override writeBlock(address: number, register: number, data: Buffer): Promise<void> {
    if (this.hangs()) return NEVER;
    return Promise.resolve().then(() => {
      this.beginTransaction(address, register, data.length, 'write');
      this.registers.set(data, register);
      this.applyCommands(register, register + data.length - 1);
    });
  }

  /**
   * How far the valve is open (0..1) as the card's output registers drive it right now: what
   * the plant (and a person next to the dewar) sees. Not a bus transaction.
   */
  valveOpening(): number {
    return valveOpenFraction(this.registers, this.valve);
  }

  /** The plant, advanced to the clock's current time (so a scenario starts "now"). */
  getPlant(): PlantModel {
    this.syncPlant();
    return this.plant;
  }

  /** Advance the plant to the clock's current time with the valve as the registers hold it. */
  syncPlant(): void {
    const nowMs = this.clock.now().mono;
    const elapsedMs = nowMs - this.lastStepMs;
    if (elapsedMs <= 0) return;
    this.plant.step(elapsedMs / 1000, valveOpenFraction(this.registers, this.valve));
    this.lastStepMs = nowMs;
  }

  /**
   * Inject a loop fault on HAT input 1..4: open-circuit → 0 µA; over-range → 22 mA;
   * stuck → frozen at the current value; none → normal (warm-up restarts after open-circuit).
   * @throws RangeError for a bad input or fault name.
   */
  setInputFault(input: InputNumber, fault: InputFault): void {
    assertInputNumber(input);
    if (!INPUT_FAULTS.includes(fault)) {
      throw new RangeError(`input fault must be one of ${INPUT_FAULTS.join(', ')}, got ${fault}`);
    }
    this.syncPlant();
    this.inputs[input - 1].setFault(fault, this.plant, this.clock.now().mono);
  }

  /**
   * Replace what is wired to input 1..4 by a loop calibrator sourcing `mA` (raw, not clamped:
   * e.g. −0.05 mA as a calibrated card reports an open loop); null restores the wiring.
   * @throws RangeError for a bad input or a current outside the int16 µA register.
   */
  injectCurrent(input: InputNumber, mA: number | null): void {
    assertInputNumber(input);
    this.inputs[input - 1].inject(mA);
  }

  /**
   * Inject a card fault. `i2c-error`: transactions fail with EREMOTEIO, every one, or with
   * `failEvery` N the first after this call and then every Nth (N = 2: each transaction fails
   * once and succeeds on its retry). `card-missing`: every transaction NAKs (EREMOTEIO).
   * `bus-hang`: transactions never complete. `bus-block`: the next transaction blocks the
   * thread for good (only a process-level supervisor can notice; see the loop supervisor).
   * `input-read-error`: reads that touch the 4–20 mA input registers fail; all else works.
   * `write-error`: every write fails; reads work.
   * Failed transactions never reach the card: no register change, no watchdog reload.
   * @throws RangeError for a bad fault, or failEvery that is not an integer >= 1 or not i2c-error.
   */
  setCardFault(fault: CardFault, options: { failEvery?: number } = {}): void {
    if (!CARD_FAULTS.includes(fault)) {
      throw new RangeError(`card fault must be one of ${CARD_FAULTS.join(', ')}, got ${fault}`);
    }
    const { failEvery } = options;
    if (failEvery !== undefined) {
      if (fault !== 'i2c-error') throw new RangeError('failEvery applies to i2c-error only');
      if (!Number.isInteger(failEvery) || failEvery < 1) {
        throw new RangeError(`failEvery must be an integer >= 1, got ${failEvery}`);
      }
    }
    this.cardFault = fault;
    this.failEvery = failEvery ?? null;
    this.faultedTransactions = 0;
  }

  /** The faults currently injected. */
  faults(): SimulatedFaults {
    const [one, two, three, four] = this.inputs.map((channel) => channel.currentFault);
    return {
      card: this.cardFault,
      failEvery: this.failEvery,
      inputs: { 1: one, 2: two, 3: three, 4: four },
    };
  }

  /** The emulated watchdog as of now (a silence longer than the period counts as a trip). */
  watchdogState(): WatchdogState {
    return this.watchdog.state(this.clock.now().mono);
  }

  /**
   * Whether the injected fault keeps this transaction from ever completing. A hung transaction
   * never reaches the card (no watchdog reload); a blocking one never returns at all.
   */
  private hangs(): boolean {
    if (this.cardFault === 'bus-block') {
      this.transactions++;
      // Deliberately endless: nothing on this thread can run again to clear the fault.
      for (;;) Atomics.wait(BLOCK, 0, 0, 60_000);
    }
    if (this.cardFault !== 'bus-hang') return false;
    this.transactions++;
    return true;
  }

  /**
   * What every transaction does before touching the register file: advance the plant, fail as
   * the injected card fault says, NAK foreign addresses, reload the watchdog (any access does),
   * refresh the computed registers.
   */
  private beginTransaction(
    address: number,
    register: number,
    length: number,
    kind: 'read' | 'write',
  ): void {
    assertBlockArgs(address, register, length);
    if (!this.opened) {
      throw new HardwareError(HardwareErrorCode.BUS_CLOSED, 'simulated I2C bus is not open');
    }
    this.transactions++;
    this.syncPlant();
    this.failIfFaulted(address);
    if (kind === 'read' && this.cardFault === 'input-read-error' && readsInputs(register, length)) {
      throw i2cError('EREMOTEIO', `injected input read error at ${hexAddress(address)}`);
    }
    if (kind === 'write' && this.cardFault === 'write-error') {
      throw i2cError('EREMOTEIO', `injected write error at ${hexAddress(address)}`);
    }
    if (address !== this.address) {
      throw i2cError('EREMOTEIO', `no device acknowledged at ${hexAddress(address)}`);
    }
    const nowMs = this.clock.now().mono;
    this.watchdog.touch(nowMs);
    this.refreshComputedRegisters(nowMs);
  }

  private failIfFaulted(address: number): void {
    if (this.cardFault === 'card-missing') {
      throw i2cError('EREMOTEIO', `no device acknowledged at ${hexAddress(address)}`);
    }
    if (this.cardFault === 'i2c-error') {
      const index = this.faultedTransactions++;
      if (this.failEvery === null || index % this.failEvery === 0) {
        throw i2cError('EREMOTEIO', `injected bus error at ${hexAddress(address)}`);
      }
    }
  }

  private refreshComputedRegisters(nowMs: number): void {
    const regs = this.registers;
    this.inputs.forEach((channel, index) => {
      regs.writeInt16LE(channel.microamps(this.plant, nowMs), currentInRegister(index + 1));
    });
    regs.writeUInt8(CPU_TEMP_C, Reg.DIAG_CPU_TEMP);
    regs.writeUInt16LE(Math.round(this.plant.getParams().supplyV * 1000), Reg.DIAG_SUPPLY_MV);
    regs.writeUInt16LE(PI_5V_MV, Reg.DIAG_PI_5V_MV);
    regs.writeUInt8(this.firmware.major, Reg.FIRMWARE_MAJOR);
    regs.writeUInt8(this.firmware.minor, Reg.FIRMWARE_MINOR);
    const wdt = this.watchdog.registers;
    regs.writeUInt16LE(wdt.periodS & 0xffff, Reg.WDT_GET_PERIOD);
    regs.writeUInt16LE(wdt.initialPeriodS & 0xffff, Reg.WDT_GET_INITIAL_PERIOD);
    regs.writeUInt16LE(wdt.resetCount, Reg.WDT_RESET_COUNT);
    regs.writeUInt32LE(wdt.offTimeS >>> 0, Reg.WDT_GET_OFF_TIME);
  }

  /** Side effects of a write that covered registers `first`..`last` (inclusive). */
  private applyCommands(first: number, last: number): void {
    const regs = this.registers;
    const covers = (register: number): boolean => first <= register && register <= last;
    // OD/LED set and clear take the output number: 1..4 = OD bits 0..3, 5..8 = LED bits 4..7.
    const bit = (command: number): number =>
      command >= 1 && command <= 8 ? 1 << (command - 1) : 0;
    if (covers(Reg.OD_SET)) regs[Reg.OD_STATE] |= bit(regs[Reg.OD_SET]);
    if (covers(Reg.OD_CLEAR)) regs[Reg.OD_STATE] &= ~bit(regs[Reg.OD_CLEAR]);
    if (covers(Reg.WDT_RELOAD) && regs[Reg.WDT_RELOAD] === WATCHDOG_RELOAD_KEY) {
      this.watchdog.reload(this.clock.now().mono);
    }
    if (covers(Reg.WDT_SET_PERIOD) || covers(Reg.WDT_SET_PERIOD + 1)) {
      this.watchdog.setPeriod(regs.readUInt16LE(Reg.WDT_SET_PERIOD));
    }
    if (covers(Reg.WDT_SET_INITIAL_PERIOD) || covers(Reg.WDT_SET_INITIAL_PERIOD + 1)) {
      this.watchdog.setInitialPeriod(regs.readUInt16LE(Reg.WDT_SET_INITIAL_PERIOD));
    }
    if (
      covers(Reg.WDT_CLEAR_RESET_COUNT) &&
      regs[Reg.WDT_CLEAR_RESET_COUNT] === WATCHDOG_CLEAR_COUNT_KEY
    ) {
      this.watchdog.clearResetCount();
    }
    if (first <= Reg.WDT_SET_OFF_TIME + 3 && last >= Reg.WDT_SET_OFF_TIME) {
      this.watchdog.setOffTime(regs.readUInt32LE(Reg.WDT_SET_OFF_TIME));
    }
  }
}
