/**
 * Register map of the Sequent Microsystems Industrial Automation HAT (SM-I-001, "megaind"),
 * from megaind-rpi `src/megaind.h` as summarised in
 * docs/hardware.md §2. Decimal register numbers; all
 * multi-byte values are little-endian. Only the registers CryoPilot uses are listed.
 */

/** 7-bit I2C address of the card at stack level 0; stack level n answers at base + n. */
export const MEGAIND_BASE_ADDRESS = 0x50;
/** Highest stack level the ID jumpers can select (0..7 → 0x50..0x57). */
export const MEGAIND_MAX_STACK = 7;
/** Channels per I/O kind (open-drain, 4-20 mA in/out, 0-10 V out). */
export const MEGAIND_CHANNEL_COUNT = 4;

/** Register numbers (decimal). Per-channel registers are the channel-1 register. */
export const MegaindRegister = {
  /** Open-drain on/off state (bits 0..3) and LEDs (bits 4..7), 1 byte. */
  OD_STATE: 0,
  /** Write one byte 1..4 to switch that open-drain output on (5..8: LED 1..4). */
  OD_SET: 1,
  /** Write one byte 1..4 to switch that open-drain output off (5..8: LED 1..4). */
  OD_CLEAR: 2,
  /** 0-10 V output ch1, int16 LE mV; ch n at 4 + 2(n-1). */
  VOLTAGE_OUT: 4,
  /** 4-20 mA output ch1, u16 LE µA; ch n at 12 + 2(n-1). Reads back the setpoint. */
  CURRENT_OUT: 12,
  /** 4-20 mA input ch1, int16 LE µA (signed: calibration can push it below 0); ch n at 44 + 2(n-1). */
  CURRENT_IN: 44,
  /** Write WATCHDOG_RELOAD_KEY: reloads the watchdog and enables it. */
  WDT_RELOAD: 83,
  /** Watchdog period, u16 LE seconds (write). */
  WDT_SET_PERIOD: 84,
  /** Watchdog period, u16 LE seconds (read). */
  WDT_GET_PERIOD: 86,
  /** Period loaded after a power cycle, u16 LE seconds (write). */
  WDT_SET_INITIAL_PERIOD: 88,
  /** Period loaded after a power cycle, u16 LE seconds (read). */
  WDT_GET_INITIAL_PERIOD: 90,
  /** Number of power cycles the watchdog has done, u16 LE. */
  WDT_RESET_COUNT: 92,
  /** Write WATCHDOG_CLEAR_COUNT_KEY to zero the reset count. */
  WDT_CLEAR_RESET_COUNT: 94,
  /** How long the Pi is kept unpowered after a trip, u32 LE seconds (write). */
  WDT_SET_OFF_TIME: 95,
  /** How long the Pi is kept unpowered after a trip, u32 LE seconds (read). */
  WDT_GET_OFF_TIME: 99,
  /** Card CPU temperature, u8 °C; followed by supply mV (115) and Pi 5 V rail mV (117). */
  DIAG_CPU_TEMP: 114,
  /** Input supply voltage, u16 LE mV. */
  DIAG_SUPPLY_MV: 115,
  /** Raspberry Pi 5 V rail, u16 LE mV. */
  DIAG_PI_5V_MV: 117,
  /** Firmware major version, u8. */
  FIRMWARE_MAJOR: 120,
  /** Firmware minor version, u8 (printed as two digits: 04.11). */
  FIRMWARE_MINOR: 121,
} as const;

/** Bytes in one block read of all four 4-20 mA inputs (44..51). */
export const CURRENT_IN_BLOCK_LENGTH = 2 * MEGAIND_CHANNEL_COUNT;
/** Bytes in one block read of the diagnostics (114..118): temp, supply, 5 V rail. */
export const DIAGNOSTICS_BLOCK_LENGTH = 5;
/** LED n is switched by writing n + LED_COMMAND_OFFSET to OD_SET / OD_CLEAR. */
export const LED_COMMAND_OFFSET = 4;

/** Key written to WDT_RELOAD. */
export const WATCHDOG_RELOAD_KEY = 0xca;
/** Key written to WDT_CLEAR_RESET_COUNT. */
export const WATCHDOG_CLEAR_COUNT_KEY = 0x55;
/** Shortest watchdog period, initial period and off time the card accepts (s). */
export const WATCHDOG_MIN_S = 10;
/** Writing this period disables the watchdog. */
export const WATCHDOG_DISABLE_PERIOD_S = 65000;
/** Longest initial period (s); 65000 would mean "disabled" there too. */
export const WATCHDOG_MAX_INITIAL_PERIOD_S = 64999;
/** Longest off time: 48 days (s). */
export const WATCHDOG_MAX_OFF_TIME_S = 4_147_200;

/** Output limits the driver accepts (the CLI's; the 4-20 mA output allows 0 since Oct 2024). */
export const CURRENT_OUT_MAX_MA = 20;
export const VOLTAGE_OUT_MAX_V = 10;

function assertChannel(channel: number): void {
  if (!Number.isInteger(channel) || channel < 1 || channel > MEGAIND_CHANNEL_COUNT) {
    throw new RangeError(`channel must be 1..${MEGAIND_CHANNEL_COUNT}, got ${channel}`);
  }
}

/** I2C address of the card at `stack` (0..7). */
export function megaindAddress(stack: number): number {
  if (!Number.isInteger(stack) || stack < 0 || stack > MEGAIND_MAX_STACK) {
    throw new RangeError(`stack must be 0..${MEGAIND_MAX_STACK}, got ${stack}`);
  }
  return MEGAIND_BASE_ADDRESS + stack;
}

/** Register of 0-10 V output `channel` (1..4). */
export function voltageOutRegister(channel: number): number {
  assertChannel(channel);
  return MegaindRegister.VOLTAGE_OUT + 2 * (channel - 1);
}

/** Register of 4-20 mA output `channel` (1..4). */
export function currentOutRegister(channel: number): number {
  assertChannel(channel);
  return MegaindRegister.CURRENT_OUT + 2 * (channel - 1);
}

/** Register of 4-20 mA input `channel` (1..4). */
export function currentInRegister(channel: number): number {
  assertChannel(channel);
  return MegaindRegister.CURRENT_IN + 2 * (channel - 1);
}

/** Format an address for messages: 0x50. */
export function hexAddress(address: number): string {
  return `0x${address.toString(16).padStart(2, '0')}`;
}
