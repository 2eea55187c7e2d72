import { Module } from '@nestjs/common';
import { HardwareModule } from '../hardware/hardware.module';
import { SimulatorApiController } from './simulator-api.controller';

/**
 * `/api/sim/*`: faults, scenarios and plant parameters of the simulated card (`hardware/
 * simulator/`), for demos and tests. Mounted only with the simulated driver.
 */
@Module({
  imports: [HardwareModule],
  controllers: [SimulatorApiController],
})
export class SimulatorApiModule {}
