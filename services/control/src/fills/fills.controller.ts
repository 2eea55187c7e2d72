import { Controller, Get, Query } from '@nestjs/common';
import type { FillsResponse } from '@cryopilot/protocol';
import { z } from 'zod';
import { MinRole } from '../auth/auth.decorators';
import { parseBody } from '../http/parse-body';
import { FillsService } from './fills.service';

const fillsQuery = z.strictObject({
  limit: z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(1000))
    .optional()
    .transform((v) => v ?? 50),
});

/** `GET /api/fills?limit=N`: the fill history, newest first (the open fill has `end: null`). */
@Controller('api')
export class FillsController {
  constructor(private readonly fills: FillsService) {}

  @MinRole('viewer')
  @Get('fills')
  getFills(@Query() query: unknown): FillsResponse {
    const { limit } = parseBody(fillsQuery, query);
    return { fills: this.fills.recent(limit) };
  }
}
