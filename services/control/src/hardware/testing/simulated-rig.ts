import { ManualClock } from '../../clock/testing/manual-clock';
import { MegaindCard } from '../megaind/megaind-card';
import { MegaindCardOptions } from '../megaind/megaind-card.types';
import { SimulatedMegaind } from '../simulator/simulated-megaind';
import { SimulatedInput, SimulatedMegaindOptions } from '../simulator/simulated-megaind.types';

/** The CryoPilot wiring: two O2 transmitters (0-25 %vol) and one level transmitter (0-100 %). */
export const STANDARD_INPUTS: SimulatedInput[] = [
  { input: 1, signal: 'o2', sensorIndex: 0, range: { min: 0, max: 25 }, warmupS: 60 },
  { input: 2, signal: 'o2', sensorIndex: 1, range: { min: 0, max: 25 }, warmupS: 60 },
  { input: 3, signal: 'level', range: { min: 0, max: 100 }, warmupS: 0 },
];

/** A simulated card on a manual clock with the real driver on top, for tests. */
export interface SimulatedRig {
  clock: ManualClock;
  sim: SimulatedMegaind;
  card: MegaindCard;
  /** Back-off delays the driver asked for (the fake sleep returns at once). */
  sleeps: number[];
}

/**
 * Build and open a simulated card (stack 0, standard wiring, normally-closed solenoid on OD 1,
 * noise-free plant) and a driver with an instant fake sleep. Options override the defaults.
 */
export async function createSimulatedRig(
  simOptions: Partial<Omit<SimulatedMegaindOptions, 'clock'>> = {},
  cardOptions: Partial<MegaindCardOptions> = {},
): Promise<SimulatedRig> {
  const clock = new ManualClock();
  const sim = new SimulatedMegaind({
    clock,
    stack: 0,
    inputs: STANDARD_INPUTS,
    valve: { kind: 'od-switch', channel: 1, normallyOpen: false },
    plant: { o2NoisePct: 0 },
    ...simOptions,
  });
  await sim.open();
  const sleeps: number[] = [];
  const sleep = (ms: number): Promise<void> => {
    sleeps.push(ms);
    return Promise.resolve();
  };
  const card = new MegaindCard(sim, { stack: simOptions.stack ?? 0, ...cardOptions }, sleep);
  return { clock, sim, card, sleeps };
}
