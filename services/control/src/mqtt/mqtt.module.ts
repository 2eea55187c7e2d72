import { Module } from '@nestjs/common';
import { CommandsModule } from '../commands/commands.module';
import { ControlModule } from '../control/control.module';
import { MqttBridgeService } from './mqtt-bridge.service';
import { MqttConnector } from './link/mqtt-connection';
import { MqttJsConnector } from './link/mqtt-js-connector';

/**
 * MQTT and Home Assistant (docs/interfaces.md, MQTT section): see `MqttBridgeService`.
 * The transport is chosen here (`MqttConnector` → mqtt.js); tests of the feature talk to a
 * real broker.
 */
@Module({
  imports: [ControlModule, CommandsModule],
  providers: [{ provide: MqttConnector, useClass: MqttJsConnector }, MqttBridgeService],
  exports: [MqttBridgeService],
})
export class MqttModule {}
