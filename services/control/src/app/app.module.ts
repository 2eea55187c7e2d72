import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import type { Clock } from '../clock/clock';
import { CommandsModule } from '../commands/commands.module';
import type { AppConfig } from '../config/config.schema';
import { ControlModule } from '../control/control.module';
import { HardwareModule } from '../hardware/hardware.module';
import { FatalHealthWatch } from '../health/fatal-health-watch';
import { HealthService } from '../health/health.service';
import { ApiController } from '../http/api.controller';
import { ApiExceptionFilter } from '../http/api-exception.filter';
import { CommandsController } from '../http/commands.controller';
import { OperatorGateway } from '../gateway/operator.gateway';
import { DiagnosticsService } from '../http/diagnostics.service';
import { MqttModule } from '../mqtt/mqtt.module';
import { SimController } from '../sim/sim.controller';
import { TelemetryModule } from '../telemetry/telemetry.module';
import { TrendModule } from '../trend/trend.module';
import { CoreModule } from './core.module';
import { LoopStarter } from './loop-starter';

export interface AppModuleOptions {
  readonly config: AppConfig;
  readonly adminPassword?: string;
  /** Tests pass a manual or accelerated clock. */
  readonly clock?: Clock;
}

/** The control service. The simulator API exists only with the simulated driver. */
@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    const simulated = options.config.hardware.driver === 'simulated';
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(options.config, options.clock),
        HardwareModule,
        AuditModule,
        AuthModule.forRoot({ adminPassword: options.adminPassword }),
        ControlModule,
        CommandsModule,
        TrendModule,
        TelemetryModule,
        MqttModule,
      ],
      controllers: [ApiController, CommandsController, ...(simulated ? [SimController] : [])],
      providers: [
        HealthService,
        LoopStarter,
        FatalHealthWatch,
        DiagnosticsService,
        OperatorGateway,
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
      ],
    };
  }
}
