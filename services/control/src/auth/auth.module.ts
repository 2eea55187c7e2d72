import { DynamicModule, Inject, Injectable, Module, OnApplicationBootstrap } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { WEB_CONFIG, WebConfig } from '../config/config.slices';
import { DisplayKeys } from './display-keys';
import { DEFAULT_LOGIN_GATE, LoginGate } from './login-gate';
import { SessionStore } from './session-store';
import { UsersStore } from './users-store';

const ADMIN_PASSWORD = 'ADMIN_PASSWORD';

/**
 * Loads the users at bootstrap, not at module init: a first start hashes the admin password
 * (argon2id, 0.1–0.5 s), and Nest runs a global module's init hooks first — before the control
 * loop has driven the valve to the safe state, which must come before anything else
 * (design/safety.md). Nothing is served before `listen`, so no sign-in can come earlier.
 */
@Injectable()
class UsersLoader implements OnApplicationBootstrap {
  constructor(
    private readonly users: UsersStore,
    @Inject(ADMIN_PASSWORD) private readonly adminPassword: string | undefined,
  ) {}

  onApplicationBootstrap(): Promise<void> {
    return this.users.load(this.adminPassword);
  }
}

/** Users, sessions, login (rate-limited) and the global guard. */
@Module({})
export class AuthModule {
  static forRoot(options: { adminPassword?: string }): DynamicModule {
    return {
      module: AuthModule,
      // Sessions are checked by the global guard and by the WebSocket gateway's upgrade.
      global: true,
      imports: [ThrottlerModule.forRoot([{ name: 'default', ttl: 60_000, limit: 600 }])],
      controllers: [AuthController],
      providers: [
        { provide: ADMIN_PASSWORD, useValue: options.adminPassword },
        UsersStore,
        DisplayKeys,
        SessionStore,
        UsersLoader,
        // One gate for the whole service: the bounds are global.
        {
          provide: LoginGate,
          inject: [WEB_CONFIG.token],
          useFactory: (config: WebConfig) =>
            new LoginGate({
              ...DEFAULT_LOGIN_GATE,
              maxFailuresPerAccount: config.http.loginFailuresPerAccount,
            }),
        },
        { provide: APP_GUARD, useClass: ThrottlerGuard },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [UsersStore, SessionStore],
    };
  }
}
