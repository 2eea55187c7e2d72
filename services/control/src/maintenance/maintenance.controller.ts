import {
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Res,
} from '@nestjs/common';
import type { CommandResult, SensorMaintenance } from '@cryopilot/protocol';
import type { Response } from 'express';
import { CurrentUser, MinRole } from '../auth/auth.decorators';
import type { User } from '../auth/users-store';
import { CommandBus } from '../commands/command-bus';
import { CommandsController } from '../http/commands.controller';
import { MaintenanceService } from './maintenance.service';

/** `POST` body `action` → the command it runs (same validation, roles and audit as any). */
const ACTIONS: Record<string, string> = {
  'test.start': 'sensor.test.start',
  'test.end': 'sensor.test.end',
  calibration: 'sensor.calibration',
  install: 'sensor.install',
};

/**
 * `GET /api/sensors/<id>/maintenance`: records, due dates, a test in progress.
 * `POST` the same path with `{action, ...args}`: a shorthand for the `sensor.*` commands,
 * which go through the command bus like every command (roles, audit, one result).
 */
@Controller('api/sensors')
export class MaintenanceController {
  constructor(
    private readonly maintenance: MaintenanceService,
    private readonly bus: CommandBus,
  ) {}

  @MinRole('viewer')
  @Get(':id/maintenance')
  get(@Param('id') id: string): SensorMaintenance {
    const view = this.maintenance.view(id);
    if (!view) throw new NotFoundException(`${id} is not an O2 sensor`);
    return view;
  }

  /** Operator at least (the bus then applies each command's own role: `install` is admin). */
  @MinRole('operator')
  @Post(':id/maintenance')
  @HttpCode(200)
  async post(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentUser() user: User,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CommandResult> {
    const { action, ...args } = (typeof body === 'object' && body !== null ? body : {}) as Record<
      string,
      unknown
    >;
    const name =
      typeof action === 'string' && Object.hasOwn(ACTIONS, action)
        ? ACTIONS[action]
        : `sensor.${String(action)}`;
    const result = await this.bus.execute(
      { name, args: { ...args, sensorId: id } },
      { user: user.username, role: user.role, source: 'http' },
    );
    if (!result.ok) res.status(CommandsController.statusOf(result.error.code));
    return result;
  }
}
