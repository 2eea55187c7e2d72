import { DynamicModule, Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from '../clock/clock';
import type { AppConfig } from '../config/config.schema';
import { LinkRegistry } from '../links/link-registry';
import { APP_CONFIG } from './app.tokens';

/** Config, clock and link states: available everywhere. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, clock?: Clock): DynamicModule {
    // Time scaling applies to the simulator only; real hardware always runs in real time.
    const speed = config.hardware.driver === 'simulated' ? config.simulator.speed : 1;
    return {
      module: CoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: Clock, useValue: clock ?? new SystemClock(speed) },
        LinkRegistry,
      ],
      exports: [APP_CONFIG, Clock, LinkRegistry],
    };
  }
}
