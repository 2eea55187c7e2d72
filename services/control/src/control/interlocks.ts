import { Interlock, isUsableQuality, Setpoints } from '@cryopilot/protocol';
import type { ControlInputs } from './control.types';

/**
 * Interlocks that hold for the given inputs, in priority order (first = main reason).
 * `startupDone` is false until the level channel has been good for a few samples.
 */
export function activeInterlocks(
  inputs: ControlInputs,
  setpoints: Setpoints,
  startupDone: boolean,
): Interlock[] {
  const interlocks: Interlock[] = [];
  if (!inputs.hardwareOk) interlocks.push('hardware_fault');
  if (!startupDone) interlocks.push('startup');
  const usableO2 = inputs.o2.filter((s) => isUsableQuality(s.quality) && s.value !== null);
  const o2Tripped = usableO2.some((s) => (s.value as number) < setpoints.o2LowLowPct);
  // Live or latched: once tripped, recovered air does not reopen the valve until a reset.
  if (o2Tripped || inputs.tripsLatched.includes('o2_low_low')) interlocks.push('o2_low_low');
  // No fill without at least one trustworthy O2 reading (docs/safety.md, sensor fault).
  if (usableO2.length === 0) interlocks.push('o2_unavailable');
  // A sensor under test is one guard less, and its test gas is in the room: no fill.
  if (inputs.o2UnderTest) interlocks.push('o2_under_test');
  // The level must be `good` (not merely uncertain) to fill: a wrong level overfills or runs dry.
  if (inputs.level.quality !== 'good' || inputs.level.value === null) {
    interlocks.push('level_sensor_fault');
  } else if (inputs.level.value >= setpoints.levelHighHighPct) {
    interlocks.push('level_high_high');
  }
  if (inputs.tripsLatched.includes('fill_timeout')) interlocks.push('fill_timeout');
  return interlocks;
}

/** `fill_timeout` stops auto fills only; an operator may still fill by hand, watching it. */
export function blocksManual(interlock: Interlock): boolean {
  return interlock !== 'fill_timeout';
}
