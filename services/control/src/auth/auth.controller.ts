import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Post,
  Req,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import { Throttle } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { sessionInfo } from '@cryopilot/protocol';
import { z } from 'zod';
import { parseBody } from '../http/parse-body';
import { CurrentUser, Public } from './auth.decorators';
import { SESSION_COOKIE, SESSION_IDLE_MS, SessionStore } from './session-store';
import { MAX_PASSWORD_LENGTH, User, UsersStore } from './users-store';

const loginSchema = z.strictObject({
  username: z.string().max(64),
  password: z.string().max(MAX_PASSWORD_LENGTH),
});

@Controller('api/auth')
export class AuthController {
  constructor(
    @Inject(UsersStore) private readonly users: UsersStore,
    private readonly sessions: SessionStore,
  ) {}

  /** Rate-limited per client address: 10 attempts a minute. */
  @Public()
  @Throttle({ default: { limit: 10, ttl: 60_000 } })
  @Post('login')
  @HttpCode(200)
  async login(@Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    const { username, password } = parseBody(loginSchema, body);
    const user = await this.users.verify(username, password);
    if (!user) throw new UnauthorizedException('wrong user name or password');
    const session = this.sessions.create(user.username, user.role);
    res.cookie(SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      maxAge: SESSION_IDLE_MS,
    });
    return sessionInfo(user.username, user.role);
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
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  }
}
