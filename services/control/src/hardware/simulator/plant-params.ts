/** Physical parameters of the simulated dewar and room (all validated by `validatePlantParams`). */
export interface PlantParams {
  /** Initial LN2 level, % (0..100). Setting it at run time moves the current level. */
  levelPct: number;
  /** Level lost per minute by boil-off and consumption, %/min. */
  drainPctPerMin: number;
  /** Level gained per minute with the valve fully open, %/min. */
  fillPctPerMin: number;
  /** O2 concentration of normal air at both sensors, %vol. */
  o2BasePct: number;
  /** Amplitude of the (seeded, uniform) noise on each O2 reading, %vol. */
  o2NoisePct: number;
  /** HAT input supply voltage reported in the diagnostics, V. */
  supplyV: number;
}

/** Defaults: a dewar half full that a fully open valve refills in about 12 minutes. */
export const DEFAULT_PLANT_PARAMS: Readonly<PlantParams> = Object.freeze({
  levelPct: 50,
  drainPctPerMin: 0.5,
  fillPctPerMin: 4,
  o2BasePct: 20.9,
  o2NoisePct: 0.05,
  supplyV: 24.0,
});

/** Accepted range of each parameter (inclusive). */
const PARAM_LIMITS: Readonly<Record<keyof PlantParams, readonly [number, number]>> = {
  levelPct: [0, 100],
  drainPctPerMin: [0, 100],
  fillPctPerMin: [0, 100],
  o2BasePct: [0, 100],
  o2NoisePct: [0, 5],
  // The card reports mV as u16, so 65.535 V is the most it can show.
  supplyV: [0, 65.535],
};

/**
 * Check a partial parameter set from outside the type system (config, API, tests).
 * @throws RangeError naming every bad or unknown field.
 */
export function validatePlantParams(params: Partial<PlantParams>): void {
  const problems: string[] = [];
  for (const [field, value] of Object.entries(params)) {
    if (!(field in PARAM_LIMITS)) {
      problems.push(`${field} is not a plant parameter`);
      continue;
    }
    const [min, max] = PARAM_LIMITS[field as keyof PlantParams];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      problems.push(`${field} must be a number ${min}..${max}, got ${String(value)}`);
    }
  }
  if (problems.length > 0) throw new RangeError(`invalid plant params: ${problems.join('; ')}`);
}
