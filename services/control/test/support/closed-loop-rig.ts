import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/clock/testing/manual-clock';
import { AppConfig, appConfigSchema } from '../../src/config/config.schema';
import { SetpointStore } from '../../src/config/setpoint-store';
import { ControlLoop, LoopLogger } from '../../src/control/control-loop';
import { ControlRuntime, TickOutcome } from '../../src/control/control-runtime';
import { ControlStateFile } from '../../src/control/control-state-file';
import { createControlLoop } from '../../src/control/create-control-loop';
import { createSimulatedCard } from '../../src/hardware/hardware.module';
import { MegaindCard } from '../../src/hardware/megaind/megaind-card';
import { SimulatedMegaind } from '../../src/hardware/simulator/simulated-megaind';
import { valveAtCard } from '../../src/hardware/testing/valve-readback';
import { ValveOutput } from '../../src/hardware/valve-output';

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
  /** The setpoint store on the rig's data directory (persisted like the service's). */
  setpoints: SetpointStore;
  /** The current loop and its runtime (replaced by `restart`). */
  runtime: ControlRuntime;
  loop: ControlLoop;
  logger: MemoryLogger;
  /** Advance simulated time one period at a time, ticking the loop; returns the outcomes. */
  runFor(seconds: number): Promise<Array<TickOutcome | null>>;
  /** Tick until `predicate` holds or `maxSeconds` of simulated time pass. */
  runUntil(predicate: (o: TickOutcome) => boolean, maxSeconds: number): Promise<TickOutcome>;
  /**
   * A new service instance on the same card and data directory, as after a restart: `crash`
   * skips the orderly shutdown (kill -9: the old loop never writes the safe state).
   */
  restart(options: { crash: boolean }): Promise<void>;
  /** The valve output (0..100 %) as the card's registers hold it. */
  valveAtCard(): Promise<number>;
  alarmState(id: string): string | undefined;
}

/**
 * The real control loop (wired exactly as the service wires it), the real megaind driver and
 * the register-level simulated card, on a manual clock, with mode, latched trips and setpoints
 * persisted in a temporary data directory: hours of plant time and restarts run in a second,
 * deterministically.
 */
export async function createRig(overrides: Record<string, unknown> = {}): Promise<Rig> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cryopilot-rig-'));
  const config = appConfigSchema().parse({ deviceId: 'rig', dataDir, ...overrides });
  const clock = new ManualClock();
  const sim = createSimulatedCard(config, clock);
  await sim.open();
  const card = new MegaindCard(sim, { stack: config.hardware.stack, maxRetries: 2 }, () =>
    Promise.resolve(),
  );
  const valveOutput = new ValveOutput(card, config.valve);
  const logger = new MemoryLogger();

  /** What the service does at start-up: load persisted state, build and start the loop. */
  async function boot(): Promise<{ setpoints: SetpointStore; loop: ControlLoop }> {
    const setpoints = new SetpointStore(config);
    const stateFile = new ControlStateFile(dataDir, logger);
    const loop = createControlLoop({
      config,
      setpoints: await setpoints.load(),
      card,
      valveOutput,
      clock,
      logger,
      stateSink: stateFile,
      restored: await stateFile.load(),
    });
    await loop.start();
    return { setpoints, loop };
  }

  const period = config.samplePeriodMs;
  const first = await boot();
  const rig: Rig = {
    config,
    clock,
    sim,
    card,
    valveOutput,
    setpoints: first.setpoints,
    runtime: first.loop.runtime,
    loop: first.loop,
    logger,
    async runFor(seconds) {
      const outcomes: Array<TickOutcome | null> = [];
      for (let t = 0; t < (seconds * 1000) / period; t++) {
        clock.advance(period);
        outcomes.push(await rig.loop.tick());
      }
      return outcomes;
    },
    async runUntil(predicate, maxSeconds) {
      for (let t = 0; t < (maxSeconds * 1000) / period; t++) {
        clock.advance(period);
        const outcome = await rig.loop.tick();
        if (outcome && predicate(outcome)) return outcome;
      }
      throw new Error(`condition not reached within ${maxSeconds} s of simulated time`);
    },
    async restart({ crash }) {
      if (!crash) await rig.loop.shutdown('restart');
      const next = await boot();
      rig.setpoints = next.setpoints;
      rig.loop = next.loop;
      rig.runtime = next.loop.runtime;
    },
    valveAtCard: () => valveAtCard(card, config.valve),
    alarmState: (id) => rig.runtime.alarms.get(id)?.state,
  };
  return rig;
}
