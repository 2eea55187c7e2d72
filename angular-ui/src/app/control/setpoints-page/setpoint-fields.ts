import type { Setpoints } from '@cryopilot/protocol';
import type { TextKey } from '../../core/i18n/en';

/**
 * One editable setpoint as people see it: a label and a line of help (text keys
 * `sp.<key>` and `sp.<key>.help`), its unit, the precision it is shown and typed with, and the
 * range the service accepts (the same as the protocol's: checked by a spec — the page imports
 * no runtime code from the protocol package, which would bring its validation library along).
 */
export interface SetpointField {
  readonly key: keyof Setpoints;
  readonly unit: string;
  readonly decimals: number;
  readonly min: number;
  readonly max: number;
}

const field = (
  key: keyof Setpoints,
  unit: string,
  decimals: number,
  min: number,
  max: number,
): SetpointField => ({ key, unit, decimals, min, max });

/** The editable setpoints, grouped as an operator thinks of them. */
export const SETPOINT_GROUPS: ReadonlyArray<{ title: TextKey; fields: SetpointField[] }> = [
  {
    title: 'setpoints.group.level',
    fields: [
      field('fillStartPct', '%', 0, 0, 100),
      field('fillStopPct', '%', 0, 0, 100),
      field('levelLowPct', '%', 0, 0, 100),
    ],
  },
  {
    title: 'setpoints.group.o2',
    fields: [
      field('o2LowPct', '%vol', 1, 19, 20.5),
      field('o2HighPct', '%vol', 1, 21.5, 23.5),
      field('o2DeadbandPct', '%vol', 2, 0, 2),
      field('o2AlarmOnDelayS', 's', 0, 0, 600),
    ],
  },
  {
    title: 'setpoints.group.timers',
    fields: [
      field('minOffS', 's', 0, 0, 86_400),
      field('manualOpenMaxS', 's', 0, 1, 14_400),
      field('manualOpenDefaultS', 's', 0, 1, 14_400),
      field('manualAutoReturnS', 's', 0, 0, 86_400),
    ],
  },
];

/**
 * The safety trips (they close the valve): edited apart, saved with `trips.set` after an
 * explicit confirmation with a reason. Same list as the protocol's `TRIP_SETTING_FIELDS`
 * (checked by a spec).
 */
export const TRIP_FIELDS: readonly SetpointField[] = [
  field('o2LowLowPct', '%vol', 1, 18, 19.5),
  field('levelHighHighPct', '%', 0, 0, 98),
  field('maxFillS', 's', 0, 60, 7200),
];

export const ALL_FIELDS: readonly SetpointField[] = [
  ...SETPOINT_GROUPS.flatMap((g) => g.fields),
  ...TRIP_FIELDS,
];

export const labelKey = (key: keyof Setpoints) => `sp.${key}` as TextKey;
export const helpKey = (key: keyof Setpoints) => `sp.${key}.help` as TextKey;

/**
 * A number as people type it: "19.5" or "19,5" (a French keyboard), nothing else — no
 * exponent, no thousands separator. Null when it is not a number.
 */
export function parseDecimal(text: string): number | null {
  const trimmed = text.trim();
  if (!/^-?(\d+([.,]\d*)?|[.,]\d+)$/.test(trimmed)) return null;
  return Number(trimmed.replace(',', '.'));
}

/** What is wrong with one typed value on its own, or null: a number within its range. */
export type FieldProblem =
  | { readonly kind: 'not_number' }
  | { readonly kind: 'range'; readonly min: number; readonly max: number };

export function checkField(f: SetpointField, text: string): FieldProblem | null {
  const value = parseDecimal(text);
  if (value === null) return { kind: 'not_number' };
  return value < f.min || value > f.max ? { kind: 'range', min: f.min, max: f.max } : null;
}

/** The fields whose edited value differs from the service's (only those are sent). */
export function changedSetpoints(
  current: Setpoints,
  edited: Partial<Record<keyof Setpoints, string>>,
): Partial<Setpoints> | { invalid: keyof Setpoints } {
  const patch: Partial<Setpoints> = {};
  for (const [key, text] of Object.entries(edited) as Array<[keyof Setpoints, string]>) {
    const value = parseDecimal(text);
    if (value === null) return { invalid: key };
    if (value !== current[key]) patch[key] = value;
  }
  return patch;
}
