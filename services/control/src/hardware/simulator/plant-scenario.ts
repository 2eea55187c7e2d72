/** What happens in the simulated room; chosen at run time for demos and tests. */
export type ScenarioName = 'normal' | 'o2-leak' | 'o2-drop' | 'fast-drain';

/** Options of the scenarios; each applies to one scenario only. */
export interface ScenarioParams {
  /** o2-leak: O2 fall at sensor 1, %vol/min (sensor 2 falls 0.8× as fast). Default 0.3. */
  leakPctPerMin?: number;
  /** o2-drop: O2 the affected sensor jumps to, %vol. Default 17.0. */
  dropToPct?: number;
  /** o2-drop: which sensor sees the drop, 1 or 2. Default 1. */
  sensor?: 1 | 2;
}

/** A scenario with every option resolved. */
export interface ActiveScenario {
  name: ScenarioName;
  leakPctPerMin: number;
  dropToPct: number;
  sensor: 1 | 2;
}

const SCENARIO_NAMES: readonly ScenarioName[] = ['normal', 'o2-leak', 'o2-drop', 'fast-drain'];

/** Which options each scenario accepts. */
const OPTIONS_OF: Record<ScenarioName, readonly (keyof ScenarioParams)[]> = {
  normal: [],
  'o2-leak': ['leakPctPerMin'],
  'o2-drop': ['dropToPct', 'sensor'],
  'fast-drain': [],
};

/**
 * Resolve and check a scenario request.
 * @throws RangeError for an unknown scenario, an option that does not apply to it, or a bad value.
 */
export function resolveScenario(name: ScenarioName, params: ScenarioParams = {}): ActiveScenario {
  if (!SCENARIO_NAMES.includes(name)) {
    throw new RangeError(`unknown scenario ${String(name)}; one of ${SCENARIO_NAMES.join(', ')}`);
  }
  const problems: string[] = [];
  for (const [field, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (!OPTIONS_OF[name].includes(field as keyof ScenarioParams)) {
      problems.push(`${field} does not apply to scenario ${name}`);
    } else if (field === 'sensor' ? value !== 1 && value !== 2 : !isPercent(value)) {
      problems.push(`${field} must be ${field === 'sensor' ? '1 or 2' : '0..100'}, got ${value}`);
    }
  }
  if (problems.length > 0) throw new RangeError(`invalid scenario: ${problems.join('; ')}`);
  return {
    name,
    leakPctPerMin: params.leakPctPerMin ?? 0.3,
    dropToPct: params.dropToPct ?? 17.0,
    sensor: params.sensor ?? 1,
  };
}

function isPercent(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 100;
}
