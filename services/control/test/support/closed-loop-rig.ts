import { ManualClock } from '../../src/clock/testing/manual-clock';
import { AppConfig, appConfigSchema } from '../../src/config/config.schema';
import { ControlLoop, LoopLogger } from '../../src/control/control-loop';
import { ControlRuntime, TickOutcome } from '../../src/control/control-runtime';
import { createSimulatedCard } from '../../src/hardware/hardware.module';
import { MegaindCard } from '../../src/hardware/megaind/megaind-card';
import { SimulatedMegaind } from '../../src/hardware/simulator/simulated-megaind';
import { ValveOutput } from '../../src/hardware/valve-output';
import { DEFAULT_SETPOINTS, setpointsSchema } from '@cryopilot/protocol';

/** Collects log lines instead of printing them. */
export class MemoryLogger implements LoopLogger {
  readonly lines: string[] = [];
  log(m: string) {
    this.lines.push(`log ${m}`);
  }
  warn(m: string) {
    this.lines.push(`warn ${m}`);
  }
  error(m: string) {
    this.lines.push(`error ${m}`);
  }
}

export interface Rig {
  config: AppConfig;
  clock: ManualClock;
  sim: SimulatedMegaind;
  card: MegaindCard;
  valveOutput: ValveOutput;
  runtime: ControlRuntime;
  loop: ControlLoop;
  logger: MemoryLogger;
  /** Advance simulated time one period at a time, ticking the loop; returns the outcomes. */
  runFor(seconds: number): Promise<Array<TickOutcome | null>>;
  /** Tick until `predicate` holds or `maxSeconds` of simulated time pass. */
  runUntil(predicate: (o: TickOutcome) => boolean, maxSeconds: number): Promise<TickOutcome>;
  /** The valve output (0..100 %) as the card's registers hold it. */
  valveAtCard(): Promise<number>;
  alarmState(id: string): string | undefined;
}

/**
 * The real control loop, the real megaind driver and the register-level simulated card,
 * on a manual clock: hours of plant time run in a second, deterministically.
 */
export async function createRig(overrides: Record<string, unknown> = {}): Promise<Rig> {
  const config = appConfigSchema.parse({ deviceId: 'rig', ...overrides });
  const clock = new ManualClock();
  const sim = createSimulatedCard(config, clock);
  await sim.open();
  const card = new MegaindCard(sim, { stack: config.hardware.stack, maxRetries: 2 }, () =>
    Promise.resolve(),
  );
  const valveOutput = new ValveOutput(card, config.valve);
  const setpoints = setpointsSchema.parse({ ...DEFAULT_SETPOINTS, ...config.setpoints });
  const runtime = new ControlRuntime(
    {
      channels: config.channels,
      setpoints,
      alarmLimits: config.alarms,
      samplePeriodMs: config.samplePeriodMs,
      startupGoodSamples: config.control.startupGoodSamples,
    },
    clock.now(),
  );
  const logger = new MemoryLogger();
  const loop = new ControlLoop(
    runtime,
    card,
    valveOutput,
    clock,
    {
      watchdog: config.hardware.watchdog,
      diagnosticsPeriodS: config.hardware.diagnosticsPeriodS,
      maxConsecutiveFailures: config.control.maxConsecutiveFailures,
    },
    logger,
  );
  await loop.start();
  const period = config.samplePeriodMs;
  const rig: Rig = {
    config,
    clock,
    sim,
    card,
    valveOutput,
    runtime,
    loop,
    logger,
    async runFor(seconds) {
      const outcomes: Array<TickOutcome | null> = [];
      for (let t = 0; t < (seconds * 1000) / period; t++) {
        clock.advance(period);
        outcomes.push(await loop.tick());
      }
      return outcomes;
    },
    async runUntil(predicate, maxSeconds) {
      for (let t = 0; t < (maxSeconds * 1000) / period; t++) {
        clock.advance(period);
        const outcome = await loop.tick();
        if (outcome && predicate(outcome)) return outcome;
      }
      throw new Error(`condition not reached within ${maxSeconds} s of simulated time`);
    },
    valveAtCard: () => valveOutput.readBack(),
    alarmState: (id) => runtime.alarms.get(id)?.state,
  };
  return rig;
}
