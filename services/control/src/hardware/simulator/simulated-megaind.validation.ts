import { megaindAddress } from '../megaind/megaind.registers';
import { assertValidValveOutputConfig } from '../valve-output.config';
import { validatePlantParams } from './plant-params';
import {
  CardFault,
  InputFault,
  SimulatedInput,
  SimulatedMegaindOptions,
} from './simulated-megaind.types';

export const INPUT_FAULTS: readonly InputFault[] = ['none', 'open-circuit', 'over-range', 'stuck'];
export const CARD_FAULTS: readonly CardFault[] = [
  'none',
  'i2c-error',
  'card-missing',
  'bus-hang',
  'bus-block',
  'input-read-error',
  'write-error',
];

/**
 * Check the simulator options (they come from config in the dev runner).
 * @throws RangeError naming every bad field.
 */
export function validateSimulatedMegaindOptions(options: SimulatedMegaindOptions): void {
  megaindAddress(options.stack);
  assertValidValveOutputConfig(options.valve);
  validatePlantParams(options.plant ?? {});
  const problems: string[] = [];
  const seen = new Set<number>();
  options.inputs.forEach((input, index) => {
    const where = `inputs[${index}]`;
    problems.push(...inputProblems(input).map((problem) => `${where}.${problem}`));
    if (seen.has(input.input)) problems.push(`${where}.input ${input.input} is wired twice`);
    seen.add(input.input);
  });
  const firmware = options.firmware ?? { major: 4, minor: 11 };
  for (const [field, value] of Object.entries(firmware)) {
    if (!isInteger(value, 0, 255)) problems.push(`firmware.${field} must be 0..255, got ${value}`);
  }
  if (problems.length > 0)
    throw new RangeError(`invalid simulator options: ${problems.join('; ')}`);
}

/** @throws RangeError unless `input` is 1..4. */
export function assertInputNumber(input: number): void {
  if (!isInteger(input, 1, 4)) throw new RangeError(`input must be 1..4, got ${input}`);
}

function inputProblems(input: SimulatedInput): string[] {
  const problems: string[] = [];
  if (!isInteger(input.input, 1, 4)) problems.push(`input must be 1..4, got ${input.input}`);
  if (input.signal !== 'o2' && input.signal !== 'level') {
    problems.push(`signal must be o2 or level, got ${String(input.signal)}`);
  }
  // sensorIndex is ignored on a level input (config mappers may fill it for every channel).
  if (input.sensorIndex !== undefined && input.sensorIndex !== 0 && input.sensorIndex !== 1) {
    problems.push(`sensorIndex must be 0 or 1, got ${String(input.sensorIndex)}`);
  }
  const { min, max } = input.range;
  if (!Number.isFinite(min) || !Number.isFinite(max) || !(min < max)) {
    problems.push(`range must have finite min < max, got ${min}..${max}`);
  }
  if (!Number.isFinite(input.warmupS) || input.warmupS < 0) {
    problems.push(`warmupS must be >= 0, got ${input.warmupS}`);
  }
  return problems;
}

function isInteger(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}
