/** What happens in the simulated room; chosen at run time for demos and tests. */
export type ScenarioName =
  'normal' | 'o2-leak' | 'o2-drop' | 'fast-drain' | 'vacuum-loss' | 'supply-low';

/** Options of the scenarios; each applies to one scenario only. */
export interface ScenarioParams {
  /** o2-leak: O2 fall at sensor 1, %vol/min (sensor 2 falls 0.8× as fast). Default 0.3. */
  leakPctPerMin?: number;
  /** o2-drop: O2 the affected sensor jumps to, %vol. Default 17.0. */
  dropToPct?: number;
  /** o2-drop: which sensor sees the drop, 1 or 2. Default 1. */
  sensor?: 1 | 2;
  /** vacuum-loss: boil-off grows to this many times the normal drain (1..20). Default 3. */
  boiloffFactor?: number;
  /** vacuum-loss: simulated hours over which it grows (0..1000). Default 2. */
  rampH?: number;
  /** supply-low: the fill speed is this fraction of normal (0..1). Default 0.35. */
  supplyFactor?: number;
}

/** A scenario with every option resolved. */
export interface ActiveScenario {
  name: ScenarioName;
  leakPctPerMin: number;
  dropToPct: number;
  sensor: 1 | 2;
  boiloffFactor: number;
  rampH: number;
  supplyFactor: number;
}

export const SCENARIO_NAMES: readonly ScenarioName[] = [
  'normal',
  'o2-leak',
  'o2-drop',
  'fast-drain',
  'vacuum-loss',
  'supply-low',
];

/** Which options each scenario accepts. */
const OPTIONS_OF: Record<ScenarioName, readonly (keyof ScenarioParams)[]> = {
  normal: [],
  'o2-leak': ['leakPctPerMin'],
  'o2-drop': ['dropToPct', 'sensor'],
  'fast-drain': [],
  'vacuum-loss': ['boiloffFactor', 'rampH'],
  'supply-low': ['supplyFactor'],
};

/** Accepted range of each numeric option (inclusive); `sensor` is 1 or 2. */
const OPTION_RANGES: Record<Exclude<keyof ScenarioParams, 'sensor'>, readonly [number, number]> = {
  leakPctPerMin: [0, 100],
  dropToPct: [0, 100],
  boiloffFactor: [1, 20],
  rampH: [0, 1000],
  supplyFactor: [0, 1],
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
    } else if (field === 'sensor') {
      if (value !== 1 && value !== 2) problems.push(`sensor must be 1 or 2, got ${value}`);
    } else {
      const [min, max] = OPTION_RANGES[field as keyof typeof OPTION_RANGES];
      if (!inRange(value, min, max)) problems.push(`${field} must be ${min}..${max}, got ${value}`);
    }
  }
  if (problems.length > 0) throw new RangeError(`invalid scenario: ${problems.join('; ')}`);
  return {
    name,
    leakPctPerMin: params.leakPctPerMin ?? 0.3,
    dropToPct: params.dropToPct ?? 17.0,
    sensor: params.sensor ?? 1,
    boiloffFactor: params.boiloffFactor ?? 3,
    rampH: params.rampH ?? 2,
    supplyFactor: params.supplyFactor ?? 0.35,
  };
}

function inRange(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;
}
