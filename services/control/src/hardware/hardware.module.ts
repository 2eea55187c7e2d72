import { Injectable, Logger, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Clock } from '../clock/clock';
import { HARDWARE_CONFIG, HardwareConfig } from '../config/config.slices';
import { I2cBus } from './i2c-bus';
import { LinuxI2cBus } from './linux-i2c-bus';
import { MegaindCard } from './megaind/megaind-card';
import { SimulatedMegaind } from './simulator/simulated-megaind';
import { ValveOutput } from './valve-output';

/** The simulated card with its plant, from the config (embedded default and tests). */
export function createSimulatedCard(config: HardwareConfig, clock: Clock): SimulatedMegaind {
  const sim = config.simulator;
  const o2 = config.channels.filter((c) => c.role === 'o2');
  const card = new SimulatedMegaind({
    clock,
    stack: config.hardware.stack,
    valve: config.valve,
    inputs: config.channels
      .filter((c) => c.role !== 'other')
      .map((c) => ({
        input: c.input,
        signal: c.role === 'level' ? ('level' as const) : ('o2' as const),
        sensorIndex: Math.max(0, o2.indexOf(c)) as 0 | 1,
        range: c.range,
        warmupS: c.warmupS,
      })),
    plant: {
      levelPct: sim.initialLevelPct,
      drainPctPerMin: sim.drainPctPerMin,
      fillPctPerMin: sim.fillPctPerMin,
    },
  });
  card.getPlant().setScenario(sim.scenario);
  return card;
}

/**
 * Opens the bus at start-up and closes it last at shutdown: one owner of the bus.
 *
 * The control loop awaits `ready()` before its first bus access: Nest orders modules' init
 * hooks by their depth in the import graph, so a new import elsewhere (a feature module that
 * imports the control module) could otherwise run the loop's start-up before the bus is open.
 */
@Injectable()
export class BusLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(BusLifecycle.name);
  private opening: Promise<void> | null = null;

  constructor(private readonly bus: I2cBus) {}

  onModuleInit(): Promise<void> {
    return this.ready();
  }

  /** Opens the bus once; every caller waits for the same opening. */
  ready(): Promise<void> {
    this.opening ??= this.bus.open().then(() => {
      this.logger.log(`I2C bus open (${this.bus.constructor.name})`);
    });
    return this.opening;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}

@Module({
  providers: [
    {
      provide: I2cBus,
      inject: [HARDWARE_CONFIG.token, Clock],
      useFactory: (config: HardwareConfig, clock: Clock): I2cBus =>
        config.hardware.driver === 'megaind'
          ? new LinuxI2cBus(config.hardware.bus)
          : createSimulatedCard(config, clock),
    },
    {
      provide: MegaindCard,
      inject: [I2cBus, HARDWARE_CONFIG.token],
      useFactory: (bus: I2cBus, config: HardwareConfig) =>
        new MegaindCard(bus, {
          stack: config.hardware.stack,
          maxRetries: config.hardware.maxRetries,
        }),
    },
    {
      provide: ValveOutput,
      inject: [MegaindCard, HARDWARE_CONFIG.token],
      useFactory: (card: MegaindCard, config: HardwareConfig) =>
        new ValveOutput(card, config.valve),
    },
    BusLifecycle,
  ],
  exports: [I2cBus, MegaindCard, ValveOutput, BusLifecycle],
})
export class HardwareModule {}
