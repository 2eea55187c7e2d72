import { DynamicModule, Injectable, Module, OnModuleInit, Inject } from '@nestjs/common';
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

@Injectable()
class UsersLoader implements OnModuleInit {
  constructor(
    private readonly users: UsersStore,
    @Inject(ADMIN_PASSWORD) private readonly adminPassword: string | undefined,
  ) {}

  onModuleInit(): Promise<void> {
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
