import { Module } from '@nestjs/common';
import { CommandsModule } from '../commands/commands.module';
import { ControlModule } from '../control/control.module';
import { TrendModule } from '../trend/trend.module';
import { OperatorGateway } from './operator.gateway';

/** The operator page's WebSocket at `/ws`: snapshots, samples, alarms, commands. */
@Module({
  imports: [ControlModule, CommandsModule, TrendModule],
  providers: [OperatorGateway],
  exports: [OperatorGateway],
})
export class GatewayModule {}
