import { DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import type { Clock } from '../clock/clock';
import { CommandsModule } from '../commands/commands.module';
import type { AppConfig } from '../config/config.schema';
import { ConsumptionModule } from '../consumption/consumption.module';
import { ControlModule } from '../control/control.module';
import { FillsModule } from '../fills/fills.module';
import { MaintenanceApiModule } from '../maintenance/maintenance-api.module';
import { GatewayModule } from '../gateway/gateway.module';
import { HardwareModule } from '../hardware/hardware.module';
import { HealthModule } from '../health/health.module';
import { HttpModule } from '../http/http.module';
import { MqttModule } from '../mqtt/mqtt.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { SimulatorApiModule } from '../simulator-api/simulator-api.module';
import { TelemetryModule } from '../telemetry/telemetry.module';
import { TrendModule } from '../trend/trend.module';
import { CoreModule } from './core.module';
import { LoopStarter } from './loop-starter';
import { StartUpMemoryRelease } from './release-start-up-memory';

export interface AppModuleOptions {
  readonly config: AppConfig;
  readonly adminPassword?: string;
  /** Tests pass a manual or accelerated clock. */
  readonly clock?: Clock;
}

/**
 * The control service: one module per feature folder. The simulator API exists only with the
 * simulated driver. `StartUpMemoryRelease` and `LoopStarter` sit here on purpose (see their
 * comments: the root module's hooks run after every imported module's).
 */
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
        FillsModule,
        ConsumptionModule,
        MaintenanceApiModule,
        HealthModule,
        HttpModule,
        GatewayModule,
        TelemetryModule,
        MqttModule,
        NotificationsModule,
        ...(simulated ? [SimulatorApiModule] : []),
      ],
      providers: [StartUpMemoryRelease, LoopStarter],
    };
  }
}
