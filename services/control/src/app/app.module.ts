import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import type { Clock } from '../clock/clock';
import { CommandBus } from '../commands/command-bus';
import { CommandHandlers } from '../commands/command-handlers';
import type { AppConfig } from '../config/config.schema';
import { SetpointStore } from '../config/setpoint-store';
import { ControlLoopService } from '../control/control-loop.service';
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
import { TrendService } from '../trend/trend.service';
import { CoreModule } from './core.module';

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
        TelemetryModule,
        MqttModule,
      ],
      controllers: [ApiController, CommandsController, ...(simulated ? [SimController] : [])],
      providers: [
        SetpointStore,
        ControlLoopService,
        CommandHandlers,
        CommandBus,
        TrendService,
        HealthService,
        FatalHealthWatch,
        DiagnosticsService,
        OperatorGateway,
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
      ],
      exports: [ControlLoopService, CommandBus],
    };
  }
}
