import { DynamicModule, Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from '../clock/clock';
import type { AppConfig } from '../config/config.schema';
import { CONFIG_SLICE_TOKENS, configSliceProviders } from '../config/config.slices';
import { LinkRegistry } from '../links/link-registry';

/**
 * What every feature may use: its config slice (`config/config.slices.ts`; never the whole
 * config), the clock and the link states.
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, clock?: Clock): DynamicModule {
    // Time scaling applies to the simulator only; real hardware always runs in real time.
    const speed = config.hardware.driver === 'simulated' ? config.simulator.speed : 1;
    return {
      module: CoreModule,
      providers: [
        ...configSliceProviders(config),
        { provide: Clock, useValue: clock ?? new SystemClock(speed) },
        LinkRegistry,
      ],
      exports: [...CONFIG_SLICE_TOKENS, Clock, LinkRegistry],
    };
  }
}
