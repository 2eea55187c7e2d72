import { Controller, Get } from '@nestjs/common';
import type { Consumption } from '@cryopilot/protocol';
import { MinRole } from '../auth/auth.decorators';
import { ConsumptionService } from './consumption.service';

/** `GET /api/consumption`: rate, litres/day, fills per day and forecasts, with their basis. */
@Controller('api')
export class ConsumptionController {
  constructor(private readonly consumption: ConsumptionService) {}

  @MinRole('viewer')
  @Get('consumption')
  getConsumption(): Consumption {
    return this.consumption.figures();
  }
}
