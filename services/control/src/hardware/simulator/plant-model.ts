import { DEFAULT_PLANT_PARAMS, PlantParams, validatePlantParams } from './plant-params';
import { ActiveScenario, resolveScenario, ScenarioName, ScenarioParams } from './plant-scenario';
import { seededRandom } from './seeded-random';

/** Index of an O2 sensor in the room: 0 = sensor 1, 1 = sensor 2. */
export type O2SensorIndex = 0 | 1;

/** Sensor 2 sits further from the leak: its O2 falls this much slower in the o2-leak scenario. */
const LEAK_RATE_AT_SENSOR_2 = 0.8;
/** The fast-drain scenario multiplies the drain by this. */
const FAST_DRAIN_FACTOR = 10;
const DEFAULT_SEED = 0x5eed;

/**
 * The dewar and the room around it, as pure arithmetic (no I/O, no clock): the caller advances
 * it with `step`. The level rises with the valve opening and falls with boil-off; the O2 at the
 * two sensors follows the active scenario plus reproducible noise.
 */
export class PlantModel {
  private params: PlantParams;
  private level: number;
  private scenarioState: ActiveScenario = resolveScenario('normal');
  /** Simulated seconds since the active scenario started. */
  private scenarioElapsedS = 0;
  private readonly random: () => number;
  /** Current noise of each sensor in −1..1, scaled by o2NoisePct when read. */
  private readonly noise: [number, number] = [0, 0];

  /**
   * @param params overrides of `DEFAULT_PLANT_PARAMS`.
   * @param seed seed of the O2 noise; the same seed gives the same readings.
   * @throws RangeError listing every bad parameter.
   */
  constructor(params: Partial<PlantParams> = {}, seed = DEFAULT_SEED) {
    validatePlantParams(params);
    this.params = { ...DEFAULT_PLANT_PARAMS, ...params };
    this.level = this.params.levelPct;
    this.random = seededRandom(seed);
    this.drawNoise();
  }

  /** Current LN2 level, % (0..100). */
  get levelPct(): number {
    return this.level;
  }

  /** The active scenario with its resolved options. */
  get scenario(): Readonly<ActiveScenario> {
    return { ...this.scenarioState };
  }

  /**
   * Advance the plant by `dtS` simulated seconds with the valve `valveOpenFraction` open (0..1).
   * @throws RangeError for a negative or non-finite step or a fraction outside 0..1.
   */
  step(dtS: number, valveOpenFraction: number): void {
    if (!Number.isFinite(dtS) || dtS < 0) throw new RangeError(`dtS must be >= 0, got ${dtS}`);
    if (!Number.isFinite(valveOpenFraction) || valveOpenFraction < 0 || valveOpenFraction > 1) {
      throw new RangeError(`valveOpenFraction must be 0..1, got ${valveOpenFraction}`);
    }
    const ratePerMin =
      this.params.fillPctPerMin * this.supplyFactor() * valveOpenFraction -
      this.params.drainPctPerMin * this.drainFactor();
    this.level = clamp(this.level + (ratePerMin * dtS) / 60, 0, 100);
    this.scenarioElapsedS += dtS;
    // New noise only when time moves, so two reads at the same instant agree.
    if (dtS > 0) this.drawNoise();
  }

  /** Drain multiplier of the scenario: fast-drain at once, vacuum-loss growing over `rampH`. */
  private drainFactor(): number {
    const s = this.scenarioState;
    if (s.name === 'fast-drain') return FAST_DRAIN_FACTOR;
    if (s.name !== 'vacuum-loss') return 1;
    const progress = s.rampH === 0 ? 1 : Math.min(1, this.scenarioElapsedS / (s.rampH * 3600));
    return 1 + (s.boiloffFactor - 1) * progress;
  }

  /** Fill-speed multiplier: a supply dewar running low delivers less. */
  private supplyFactor(): number {
    return this.scenarioState.name === 'supply-low' ? this.scenarioState.supplyFactor : 1;
  }

  /** O2 at sensor `sensorIndex` (0 or 1), %vol, never below 0. */
  o2Pct(sensorIndex: O2SensorIndex): number {
    if (sensorIndex !== 0 && sensorIndex !== 1) {
      throw new RangeError(`sensorIndex must be 0 or 1, got ${String(sensorIndex)}`);
    }
    const { o2BasePct, o2NoisePct } = this.params;
    const scenario = this.scenarioState;
    let o2 = o2BasePct;
    if (scenario.name === 'o2-leak') {
      const rate = scenario.leakPctPerMin * (sensorIndex === 0 ? 1 : LEAK_RATE_AT_SENSOR_2);
      o2 = o2BasePct - (rate * this.scenarioElapsedS) / 60;
    } else if (scenario.name === 'o2-drop' && scenario.sensor === sensorIndex + 1) {
      o2 = scenario.dropToPct;
    }
    return clamp(o2 + this.noise[sensorIndex] * o2NoisePct, 0, 100);
  }

  /**
   * Switch scenario; its clock (e.g. how long the leak has lasted) starts now.
   * @throws RangeError for an unknown scenario or a bad or inapplicable option.
   */
  setScenario(name: ScenarioName, params?: ScenarioParams): void {
    this.scenarioState = resolveScenario(name, params);
    this.scenarioElapsedS = 0;
  }

  /** A copy of the parameters (`levelPct` is the last one set, not the current level). */
  getParams(): PlantParams {
    return { ...this.params };
  }

  /**
   * Change some parameters; `levelPct` also moves the current level.
   * @throws RangeError listing every bad or unknown field; nothing changes then.
   */
  setParams(partial: Partial<PlantParams>): void {
    validatePlantParams(partial);
    this.params = { ...this.params, ...partial };
    if (partial.levelPct !== undefined) this.level = partial.levelPct;
  }

  private drawNoise(): void {
    this.noise[0] = this.random() * 2 - 1;
    this.noise[1] = this.random() * 2 - 1;
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
