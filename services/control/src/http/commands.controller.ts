import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import type { CommandErrorCode, CommandResult } from '@cryopilot/protocol';
import type { Response } from 'express';
import { CurrentUser } from '../auth/auth.decorators';
import type { User } from '../auth/users-store';
import { CommandBus } from '../commands/command-bus';

/** HTTP status of each command error code; accepted commands are 200. */
const STATUS: Record<CommandErrorCode, number> = {
  invalid_json: 400,
  unknown_command: 400,
  invalid_args: 400,
  forbidden: 403,
  refused: 409,
  expired: 410,
  payload_too_large: 413,
  internal: 500,
  // The card did not take the valve write: the request is not done, the hardware is down.
  hardware_error: 503,
  // The data disk is full: a setting could not be saved, or the command could not be audited
  // (safety commands always run: see AuditLog's reserve).
  storage_full: 507,
  // Never a command's outcome: it marks failed notifications in the audit.
  delivery_failed: 502,
};

@Controller('api/commands')
export class CommandsController {
  constructor(private readonly bus: CommandBus) {}

  /** The HTTP status of a refused command (also for the API's command shorthands). */
  static statusOf(code: CommandErrorCode): number {
    return STATUS[code];
  }

  @Post()
  @HttpCode(200)
  async execute(
    @Body() body: unknown,
    @CurrentUser() user: User,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CommandResult> {
    const result = await this.bus.execute(body, {
      user: user.username,
      role: user.role,
      source: 'http',
    });
    if (!result.ok) res.status(STATUS[result.error.code]);
    return result;
  }
}
