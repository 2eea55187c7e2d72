import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { hasRole, Role } from '@cryopilot/protocol';
import { AuthenticatedRequest, MIN_ROLE_KEY, PUBLIC_KEY } from './auth.decorators';
import { SESSION_COOKIE, SessionStore } from './session-store';
import type { User } from './users-store';

/**
 * Global guard: every route needs a session cookie (from `POST /api/auth/login`, which is
 * rate-limited) unless marked `@Public()`; `@MinRole()` adds a role check. Commands check their
 * own role in the command bus, whatever the transport.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionStore,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const user = this.authenticate(request);
    if (!user) throw new UnauthorizedException('login required');
    request.user = user;
    const minRole = this.reflector.getAllAndOverride<Role | undefined>(MIN_ROLE_KEY, targets);
    if (minRole && !hasRole(user.role, minRole)) {
      throw new ForbiddenException(`needs the ${minRole} role`);
    }
    return true;
  }

  private authenticate(request: AuthenticatedRequest): User | null {
    const cookies = request.cookies as Record<string, string> | undefined;
    const session = this.sessions.get(cookies?.[SESSION_COOKIE]);
    return session ? { username: session.user, role: session.role } : null;
  }
}
