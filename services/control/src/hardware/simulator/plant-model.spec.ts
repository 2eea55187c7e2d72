import { PlantModel } from './plant-model';
import { DEFAULT_PLANT_PARAMS } from './plant-params';

const MINUTE_S = 60;
const quiet = { o2NoisePct: 0 };

describe('PlantModel', () => {
  it('starts from the defaults', () => {
    const plant = new PlantModel();
    expect(plant.getParams()).toEqual(DEFAULT_PLANT_PARAMS);
    expect(plant.levelPct).toBe(50);
    expect(plant.scenario.name).toBe('normal');
  });

  it('drains at drainPctPerMin with the valve closed', () => {
    const plant = new PlantModel({ ...quiet, levelPct: 50, drainPctPerMin: 0.5 });
    plant.step(10 * MINUTE_S, 0);
    expect(plant.levelPct).toBeCloseTo(45, 9);
  });

  it('fills at fillPctPerMin × opening, minus the drain', () => {
    const full = new PlantModel({ levelPct: 20, fillPctPerMin: 4, drainPctPerMin: 0.5 });
    full.step(5 * MINUTE_S, 1);
    expect(full.levelPct).toBeCloseTo(20 + 5 * 3.5, 9);

    const half = new PlantModel({ levelPct: 20, fillPctPerMin: 4, drainPctPerMin: 0.5 });
    half.step(5 * MINUTE_S, 0.5);
    expect(half.levelPct).toBeCloseTo(20 + 5 * 1.5, 9);
  });

  it('clamps the level to 0..100', () => {
    const plant = new PlantModel({ levelPct: 99 });
    plant.step(60 * MINUTE_S, 1);
    expect(plant.levelPct).toBe(100);
    plant.step(1000 * MINUTE_S, 0);
    expect(plant.levelPct).toBe(0);
  });

  it('rejects bad steps', () => {
    const plant = new PlantModel();
    expect(() => plant.step(-1, 0)).toThrow(RangeError);
    expect(() => plant.step(Number.NaN, 0)).toThrow(RangeError);
    expect(() => plant.step(1, 1.5)).toThrow(RangeError);
    expect(() => plant.step(1, -0.1)).toThrow(RangeError);
  });

  describe('O2', () => {
    it('reads the base value at both sensors without noise', () => {
      const plant = new PlantModel({ ...quiet, o2BasePct: 20.9 });
      plant.step(MINUTE_S, 0);
      expect([plant.o2Pct(0), plant.o2Pct(1)]).toEqual([20.9, 20.9]);
    });

    it('adds noise within ±o2NoisePct that changes only when time moves', () => {
      const plant = new PlantModel({ o2NoisePct: 0.05 });
      const seen = new Set<number>();
      for (let i = 0; i < 200; i++) {
        plant.step(1, 0);
        const o2 = plant.o2Pct(0);
        expect(Math.abs(o2 - 20.9)).toBeLessThanOrEqual(0.05);
        expect(plant.o2Pct(0)).toBe(o2);
        seen.add(o2);
      }
      expect(seen.size).toBeGreaterThan(100);
      const before = plant.o2Pct(1);
      plant.step(0, 0);
      expect(plant.o2Pct(1)).toBe(before);
    });

    it('is reproducible: the same seed gives the same readings, another seed others', () => {
      const run = (seed: number): number[] => {
        const plant = new PlantModel({}, seed);
        return Array.from({ length: 20 }, () => {
          plant.step(1, 0);
          return plant.o2Pct(1);
        });
      };
      expect(run(7)).toEqual(run(7));
      expect(run(7)).not.toEqual(run(8));
    });

    it('rejects a sensor index other than 0 or 1', () => {
      expect(() => new PlantModel().o2Pct(2 as 0)).toThrow(RangeError);
    });
  });

  describe('scenarios', () => {
    it('o2-leak: O2 falls at leakPctPerMin from the moment it starts, sensor 2 at 0.8×, floor 0', () => {
      const plant = new PlantModel(quiet);
      plant.step(10 * MINUTE_S, 0);
      plant.setScenario('o2-leak', { leakPctPerMin: 0.5 });
      plant.step(4 * MINUTE_S, 0);
      expect(plant.o2Pct(0)).toBeCloseTo(20.9 - 2, 9);
      expect(plant.o2Pct(1)).toBeCloseTo(20.9 - 1.6, 9);

      plant.step(100 * MINUTE_S, 0);
      expect(plant.o2Pct(0)).toBe(0);
    });

    it('o2-leak defaults to 0.3 %/min', () => {
      const plant = new PlantModel(quiet);
      plant.setScenario('o2-leak');
      plant.step(10 * MINUTE_S, 0);
      expect(plant.o2Pct(0)).toBeCloseTo(17.9, 9);
    });

    it('o2-drop: the chosen sensor jumps to dropToPct, the other keeps the base', () => {
      const plant = new PlantModel(quiet);
      plant.setScenario('o2-drop');
      expect([plant.o2Pct(0), plant.o2Pct(1)]).toEqual([17.0, 20.9]);

      plant.setScenario('o2-drop', { sensor: 2, dropToPct: 15 });
      expect([plant.o2Pct(0), plant.o2Pct(1)]).toEqual([20.9, 15]);
    });

    it('fast-drain drains ten times faster; normal restores everything', () => {
      const plant = new PlantModel({ ...quiet, levelPct: 80, drainPctPerMin: 0.5 });
      plant.setScenario('fast-drain');
      plant.step(2 * MINUTE_S, 0);
      expect(plant.levelPct).toBeCloseTo(70, 9);

      plant.setScenario('o2-leak');
      plant.step(MINUTE_S, 0);
      plant.setScenario('normal');
      plant.step(2 * MINUTE_S, 0);
      expect(plant.levelPct).toBeCloseTo(68.5, 9);
      expect(plant.o2Pct(0)).toBe(20.9);
    });

    it('vacuum-loss: boil-off grows to boiloffFactor × the drain over rampH, then stays', () => {
      const plant = new PlantModel({ ...quiet, levelPct: 90, drainPctPerMin: 0.1 });
      plant.setScenario('vacuum-loss', { boiloffFactor: 3, rampH: 1 });
      plant.step(1, 0); // at the start: the normal drain
      expect(90 - plant.levelPct).toBeCloseTo(0.1 / 60, 6);
      plant.step(3600, 0); // the ramp
      const before = plant.levelPct;
      plant.step(60, 0); // after it: 3 × 0.1 %/min
      expect(before - plant.levelPct).toBeCloseTo(0.3, 6);
    });

    it('supply-low: the valve fills at supplyFactor of its speed', () => {
      const plant = new PlantModel({ ...quiet, levelPct: 20, drainPctPerMin: 0, fillPctPerMin: 4 });
      plant.setScenario('supply-low', { supplyFactor: 0.25 });
      plant.step(MINUTE_S, 1);
      expect(plant.levelPct).toBeCloseTo(21, 9);
      expect(() => plant.setScenario('supply-low', { supplyFactor: 2 })).toThrow(
        /supplyFactor must be 0..1/,
      );
      expect(() => plant.setScenario('vacuum-loss', { supplyFactor: 0.5 })).toThrow(
        /does not apply/,
      );
    });

    it('rejects unknown scenarios and options that do not fit', () => {
      const plant = new PlantModel();
      expect(() => plant.setScenario('flood' as 'normal')).toThrow(/unknown scenario/);
      expect(() => plant.setScenario('normal', { leakPctPerMin: 1 })).toThrow(/does not apply/);
      expect(() => plant.setScenario('o2-drop', { sensor: 3 as 1 })).toThrow(/sensor/);
      expect(() => plant.setScenario('o2-leak', { leakPctPerMin: -1 })).toThrow(/leakPctPerMin/);
      expect(plant.scenario.name).toBe('normal');
    });
  });

  describe('parameters', () => {
    it('setParams changes the parameters; levelPct moves the current level', () => {
      const plant = new PlantModel();
      plant.setParams({ levelPct: 12, supplyV: 12.5 });
      expect(plant.levelPct).toBe(12);
      expect(plant.getParams()).toMatchObject({ levelPct: 12, supplyV: 12.5 });

      plant.step(MINUTE_S, 0);
      plant.setParams({ drainPctPerMin: 1 });
      expect(plant.levelPct).toBeCloseTo(11.5, 9);
    });

    it('rejects bad values with a RangeError listing every bad field, changing nothing', () => {
      const plant = new PlantModel();
      const attempt = (): void =>
        plant.setParams({ levelPct: 101, drainPctPerMin: -1, o2NoisePct: Number.NaN });
      expect(attempt).toThrow(RangeError);
      expect(attempt).toThrow(/levelPct.*drainPctPerMin.*o2NoisePct/);
      expect(plant.getParams()).toEqual(DEFAULT_PLANT_PARAMS);
    });

    it('rejects unknown fields and bad constructor params', () => {
      const plant = new PlantModel();
      expect(() => plant.setParams({ pressure: 3 } as never)).toThrow(/pressure/);
      expect(() => new PlantModel({ supplyV: 70 })).toThrow(/supplyV/);
      expect(() => new PlantModel({ fillPctPerMin: '4' as unknown as number })).toThrow(
        /fillPctPerMin/,
      );
    });
  });
});
