import {
  ApplicationConfig,
  Injector,
  inject,
  provideBrowserGlobalErrorListeners,
  provideZonelessChangeDetection,
} from '@angular/core';
import { provideRouter } from '@angular/router';
import { routes } from './app.routes';
import { SESSION_PROBE } from './core/realtime/socket-factory';
import { Session } from './core/session/session';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideZonelessChangeDetection(),
    provideRouter(routes),
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
