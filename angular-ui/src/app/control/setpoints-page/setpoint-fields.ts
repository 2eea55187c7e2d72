import type { Setpoints } from '@cryopilot/protocol';
import type { TextKey } from '../../core/i18n/en';

export interface SetpointField {
  readonly key: keyof Setpoints;
  readonly unit: string;
  readonly step: number;
}

/** The editable setpoints, grouped as an operator thinks of them. */
export const SETPOINT_GROUPS: ReadonlyArray<{ title: TextKey; fields: SetpointField[] }> = [
  {
    title: 'setpoints.group.level',
    fields: [
      { key: 'fillStartPct', unit: '%', step: 1 },
      { key: 'fillStopPct', unit: '%', step: 1 },
      { key: 'levelLowPct', unit: '%', step: 1 },
    ],
  },
  {
    title: 'setpoints.group.o2',
    fields: [
      { key: 'o2LowPct', unit: '%vol', step: 0.1 },
      { key: 'o2HighPct', unit: '%vol', step: 0.1 },
      { key: 'o2DeadbandPct', unit: '%vol', step: 0.05 },
      { key: 'o2AlarmOnDelayS', unit: 's', step: 1 },
    ],
  },
  {
    title: 'setpoints.group.timers',
    fields: [
      { key: 'minOffS', unit: 's', step: 10 },
      { key: 'manualOpenMaxS', unit: 's', step: 10 },
      { key: 'manualOpenDefaultS', unit: 's', step: 10 },
    ],
  },
];

/**
 * The safety trips (they close the valve): edited apart, saved with `trips.set` after an
 * explicit confirmation with a reason. Same list as the protocol's `TRIP_SETTING_FIELDS`
 * (checked by a spec; the page imports no runtime code from the protocol package).
 */
export const TRIP_FIELDS: readonly SetpointField[] = [
  { key: 'o2LowLowPct', unit: '%vol', step: 0.1 },
  { key: 'levelHighHighPct', unit: '%', step: 1 },
  { key: 'maxFillS', unit: 's', step: 10 },
];

/** The fields whose edited value differs from the service's (only those are sent). */
export function changedSetpoints(
  current: Setpoints,
  edited: Partial<Record<keyof Setpoints, string>>,
): Partial<Setpoints> | { invalid: keyof Setpoints } {
  const patch: Partial<Setpoints> = {};
  for (const [key, text] of Object.entries(edited) as Array<[keyof Setpoints, string]>) {
    if (text.trim() === '') return { invalid: key };
    const value = Number(text);
    if (!Number.isFinite(value)) return { invalid: key };
    if (value !== current[key]) patch[key] = value;
  }
  return patch;
}
