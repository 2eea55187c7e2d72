import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuditModule } from '../audit/audit.module';
import { CommandsModule } from '../commands/commands.module';
import { ControlModule } from '../control/control.module';
import { HealthModule } from '../health/health.module';
import { TrendModule } from '../trend/trend.module';
import { ApiController } from './api.controller';
import { ApiExceptionFilter } from './api-exception.filter';
import { CommandsController } from './commands.controller';

/** The HTTP API (`/api/*`): reads, commands through the bus, errors in one shape. */
@Module({
  imports: [ControlModule, CommandsModule, TrendModule, AuditModule, HealthModule],
  controllers: [ApiController, CommandsController],
  providers: [{ provide: APP_FILTER, useClass: ApiExceptionFilter }],
})
export class HttpModule {}
