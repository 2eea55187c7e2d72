import { Controller, Get, HttpStatus, Inject, Query, Req, Res } from '@nestjs/common';
import type { Health, StateSnapshot, Trend } from '@cryopilot/protocol';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { AuditTrail } from '../audit/audit-trail';
import { MinRole, Public } from '../auth/auth.decorators';
import { SESSION_COOKIE, SessionStore } from '../auth/session-store';
import { Clock } from '../clock/clock';
import { WEB_CONFIG, WebConfig } from '../config/config.slices';
import { ControlView } from '../control/control.facades';
import { HealthService } from '../health/health.service';
import { TrendService } from '../trend/trend.service';
import { DiagnosticsService } from '../health/diagnostics.service';
import { parseBody } from './parse-body';

const intParam = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional()
    .transform((v) => v ?? fallback);

/** The read side of the HTTP API (docs/interfaces.md). Each route delegates. */
@Controller('api')
export class ApiController {
  private readonly trendQuery: z.ZodType<{ minutes: number }>;
  private readonly auditQuery = z.strictObject({ limit: intParam(1, 1000, 100) });

  constructor(
    @Inject(WEB_CONFIG.token) config: WebConfig,
    private readonly clock: Clock,
    private readonly control: ControlView,
    private readonly health: HealthService,
    private readonly trend: TrendService,
    private readonly audit: AuditTrail,
    private readonly diagnostics: DiagnosticsService,
    private readonly sessions: SessionStore,
  ) {
    this.trendQuery = z.strictObject({ minutes: intParam(1, config.trend.retainMinutes, 15) });
  }

  /**
   * Public, for container health checks and monitors: the statuses. The details (broker and
   * database addresses, error texts, disk figures) only for a signed-in user.
   */
  @Public()
  @Get('health')
  getHealth(@Req() req: Request, @Res({ passthrough: true }) res: Response): Health {
    const health = this.health.check();
    if (health.status === 'down') res.status(HttpStatus.SERVICE_UNAVAILABLE);
    const cookies = req.cookies as Record<string, string> | undefined;
    return this.sessions.get(cookies?.[SESSION_COOKIE]) ? health : withoutDetails(health);
  }

  @MinRole('viewer')
  @Get('state')
  getState(): StateSnapshot {
    return this.control.snapshot();
  }

  @MinRole('viewer')
  @Get('trend')
  getTrend(@Query() query: unknown): Trend {
    const { minutes } = parseBody(this.trendQuery, query);
    return this.trend.recent(minutes, this.clock.wallMs());
  }

  @MinRole('viewer')
  @Get('diagnostics')
  getDiagnostics() {
    return this.diagnostics.collect();
  }

  @MinRole('admin')
  @Get('audit')
  getAudit(@Query() query: unknown) {
    const { limit } = parseBody(this.auditQuery, query);
    return this.audit.recent(limit);
  }
}

function withoutDetails(health: Health): Health {
  const checks = Object.fromEntries(
    Object.entries(health.checks).map(([name, check]) => [name, { status: check.status }]),
  ) as Health['checks'];
  return { status: health.status, checks };
}
