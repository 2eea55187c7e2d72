import {
  Body,
  ConflictException,
  Controller,
  Delete,
  Get,
  Logger,
  NotFoundException,
  Param,
  HttpCode,
  HttpException,
  HttpStatus,
  Inject,
  Post,
  Req,
  Res,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { Throttle } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { sessionInfo } from '@cryopilot/protocol';
import { z } from 'zod';
import { parseBody } from '../http/parse-body';
import { CurrentUser, MinRole, Public } from './auth.decorators';
import { DISPLAY_USER_PREFIX, DisplayKeys, displayKeyNameSchema } from './display-keys';
import { SESSION_COOKIE, SESSION_IDLE_MS, SessionStore } from './session-store';
import { WEB_CONFIG, WebConfig } from '../config/config.slices';
import { LoginGate } from './login-gate';
import { MAX_PASSWORD_LENGTH, User, UsersStore } from './users-store';

const loginSchema = z.strictObject({
  username: z.string().max(64),
  password: z.string().max(MAX_PASSWORD_LENGTH),
});
const displayLoginSchema = z.strictObject({ key: z.string().max(128) });
const displayKeySchema = z.strictObject({ name: displayKeyNameSchema });

@Controller('api/auth')
export class AuthController {
  private readonly logger = new Logger('Auth');

  constructor(
    @Inject(UsersStore) private readonly users: UsersStore,
    private readonly sessions: SessionStore,
    private readonly displays: DisplayKeys,
    private readonly gate: LoginGate,
    @Inject(WEB_CONFIG.token) private readonly web: WebConfig,
  ) {}

  /** Served over HTTPS: the cookie never travels over plain HTTP. */
  private get cookieOptions() {
    return {
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      secure: Boolean(this.web.http.tls),
    } as const;
  }

  /**
   * Rate-limited per client address (10 attempts a minute), and through the login gate: a
   * bounded number of argon2 checks at once, and a failure budget per account.
   */
  @Public()
  @Throttle({ default: { limit: 10, ttl: 60_000 } })
  @Post('login')
  @HttpCode(200)
  async login(@Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    const { username, password } = parseBody(loginSchema, body);
    const found: { user: User | null } = { user: null };
    const outcome = await this.gate.attempt(
      username,
      () => Date.now(),
      async () => (found.user = await this.users.verify(username, password)) !== null,
    );
    if ('kind' in outcome) {
      if (outcome.kind === 'busy') {
        throw new ServiceUnavailableException('too many sign-ins at once: try again in a moment');
      }
      res.setHeader('Retry-After', String(outcome.retryAfterS));
      throw new HttpException(
        `too many failed sign-ins for this account: try again in ${outcome.retryAfterS} s`,
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    const user = found.user;
    if (!user) throw new UnauthorizedException('wrong user name or password');
    const session = this.sessions.create(user.username, user.role);
    // On disk before the browser has its cookie: a restart right after still knows it.
    await this.sessions.persisted();
    res.cookie(SESSION_COOKIE, session.token, { ...this.cookieOptions, maxAge: SESSION_IDLE_MS });
    return sessionInfo(user.username, user.role);
  }

  /**
   * A wall display signs in with its key (read-only, as a viewer named `display:<name>`); the
   * page does it again by itself whenever its session is gone. Rate-limited like `login`.
   */
  @Public()
  @Throttle({ default: { limit: 10, ttl: 60_000 } })
  @Post('display')
  @HttpCode(200)
  async displayLogin(@Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    const { key } = parseBody(displayLoginSchema, body);
    const name = this.displays.verify(key);
    if (name === null) throw new UnauthorizedException('unknown or revoked display key');
    const user = `${DISPLAY_USER_PREFIX}${name}`;
    const session = this.sessions.create(user, 'viewer');
    await this.sessions.persisted();
    res.cookie(SESSION_COOKIE, session.token, { ...this.cookieOptions, maxAge: SESSION_IDLE_MS });
    return sessionInfo(user, 'viewer');
  }

  @MinRole('admin')
  @Get('display-keys')
  displayKeys() {
    return { keys: this.displays.list() };
  }

  /** A new display key, shown in this answer only (the service keeps its hash). */
  @MinRole('admin')
  @Post('display-keys')
  async createDisplayKey(@Body() body: unknown, @CurrentUser() admin: User) {
    const { name } = parseBody(displayKeySchema, body);
    const key = await this.displays.create(name, admin.username);
    if (key === null) throw new ConflictException(`display ${name} exists: revoke it first`);
    this.logger.log(`display key ${name} created by ${admin.username}`);
    return { name, key };
  }

  /** Revokes a display: its key stops working and its screen is signed out at once. */
  @MinRole('admin')
  @Delete('display-keys/:name')
  async removeDisplayKey(@Param('name') name: string, @CurrentUser() admin: User) {
    if (!(await this.displays.remove(name))) throw new NotFoundException(`no display ${name}`);
    this.logger.log(`display key ${name} revoked by ${admin.username}`);
    return { ok: true };
  }

  /** Who is logged in (401 without a session): the page asks before opening its WebSocket. */
  @Get('session')
  session(@CurrentUser() user: User) {
    return sessionInfo(user.username, user.role);
  }

  @Post('logout')
  @HttpCode(200)
  logout(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const cookies = req.cookies as Record<string, string> | undefined;
    this.sessions.delete(cookies?.[SESSION_COOKIE]);
    res.clearCookie(SESSION_COOKIE, this.cookieOptions);
    return { ok: true };
  }
}
