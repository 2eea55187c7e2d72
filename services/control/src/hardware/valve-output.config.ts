import { CURRENT_OUT_MAX_MA, VOLTAGE_OUT_MAX_V } from './megaind/megaind.registers';

/** HAT output that drives the LN2 fill valve (config `valve`). */
export type ValveOutputConfig =
  | {
      /** 24 V solenoid on an open-drain output, on/off. */
      kind: 'od-switch';
      channel: 1 | 2 | 3 | 4;
      /** false (default): normally-closed valve, energised to open, safe = de-energised. */
      normallyOpen: boolean;
    }
  | {
      /** Proportional valve on a 4–20 mA output. */
      kind: 'ma-proportional';
      channel: 1 | 2 | 3 | 4;
      /** Output current when closed, the safe value (mA, 0..20; usually 4). */
      closedMa: number;
      /** Output current when fully open (mA, 0..20; usually 20). */
      openMa: number;
    }
  | {
      /** Proportional valve on a 0–10 V output. */
      kind: 'v-proportional';
      channel: 1 | 2 | 3 | 4;
      /** Output voltage when closed, the safe value (V, 0..10; usually 0). */
      closedV: number;
      /** Output voltage when fully open (V, 0..10; usually 10). */
      openV: number;
    };

/**
 * Check a valve output config from outside the type system (YAML, env): the channel, and
 * closed/open values inside what the card can output and different from each other (a valve
 * whose open and closed values are equal never moves).
 * @throws RangeError listing every bad field.
 */
export function assertValidValveOutputConfig(config: ValveOutputConfig): void {
  const problems: string[] = [];
  if (![1, 2, 3, 4].includes(config.channel)) {
    problems.push(`channel must be 1..4, got ${String(config.channel)}`);
  }
  const span = (unit: string, max: number, closed: number, open: number): void => {
    for (const [name, value] of [
      [`closed${unit}`, closed],
      [`open${unit}`, open],
    ] as const) {
      if (!Number.isFinite(value) || value < 0 || value > max) {
        problems.push(`${name} must be 0..${max}, got ${String(value)}`);
      }
    }
    if (closed === open) problems.push(`closed${unit} and open${unit} must differ`);
  };
  switch (config.kind) {
    case 'od-switch':
      if (typeof config.normallyOpen !== 'boolean') {
        problems.push(`normallyOpen must be true or false, got ${String(config.normallyOpen)}`);
      }
      break;
    case 'ma-proportional':
      span('Ma', CURRENT_OUT_MAX_MA, config.closedMa, config.openMa);
      break;
    case 'v-proportional':
      span('V', VOLTAGE_OUT_MAX_V, config.closedV, config.openV);
      break;
    default:
      problems.push(`kind must be od-switch, ma-proportional or v-proportional`);
  }
  if (problems.length > 0) {
    throw new RangeError(`invalid valve output config: ${problems.join('; ')}`);
  }
}
