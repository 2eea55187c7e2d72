import {
  ApplicationConfig,
  Injector,
  inject,
  provideBrowserGlobalErrorListeners,
  provideZonelessChangeDetection,
} from '@angular/core';
import { provideRouter, withNavigationErrorHandler } from '@angular/router';
import { routes } from './app.routes';
import { retryWhenLive } from './core/pwa/route-retry';
import { SESSION_PROBE } from './core/realtime/socket-factory';
import { Session } from './core/session/session';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideZonelessChangeDetection(),
    // A page whose code cannot be fetched offline is tried again once the service is back.
    provideRouter(routes, withNavigationErrorHandler(retryWhenLive)),
    {
      provide: SESSION_PROBE,
      // Resolved lazily: the session itself depends on the connection that uses the probe.
      useFactory: () => {
        const injector = inject(Injector);
        return () => injector.get(Session).probe();
      },
    },
  ],
};
