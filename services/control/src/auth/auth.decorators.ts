import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '@cryopilot/protocol';
import type { Request } from 'express';
import type { User } from './users-store';

export const MIN_ROLE_KEY = 'cryopilot:minRole';
export const PUBLIC_KEY = 'cryopilot:public';

/** The least role for a route. Routes without it (and not public) need any authenticated user. */
export const MinRole = (role: Role) => SetMetadata(MIN_ROLE_KEY, role);

/** No authentication (health, login). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export interface AuthenticatedRequest extends Request {
  user?: User;
}

/** The authenticated user of the request. */
export const CurrentUser = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): User | undefined => {
    return ctx.switchToHttp().getRequest<AuthenticatedRequest>().user;
  },
);
