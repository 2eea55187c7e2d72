import { DestroyRef, effect, inject, Injectable, signal } from '@angular/core';
import { NavigationEnd, NavigationError, Router } from '@angular/router';
import { RealtimeConnection } from '../realtime/realtime-connection';

/**
 * Whether a navigation failed because its page's code could not be fetched: the error the
 * browser gives a dynamic `import()` it cannot load (Chromium "Failed to fetch dynamically
 * imported module", Firefox "error loading dynamically imported module", Safari "Importing a
 * module script failed").
 */
export function isCodeLoadFailure(error: unknown): boolean {
  return (
    error instanceof TypeError &&
    /dynamically imported module|importing a module script failed/i.test(error.message)
  );
}

/**
 * The service worker caches a page's code when the page is first opened (sw.js), so an
 * offline reload of a page this browser has not opened yet cannot load it: the shell stays,
 * behind the connection-lost overlay, and once the connection is live again the same
 * navigation runs once more, so the page appears by itself instead of staying empty.
 */
@Injectable({ providedIn: 'root' })
export class RouteRetry {
  private readonly router = inject(Router);
  private readonly connection = inject(RealtimeConnection);
  private readonly pending = signal<string | null>(null);

  constructor() {
    // A page opened meanwhile (its code was at hand) is where the person wants to be.
    const opened = this.router.events.subscribe((event) => {
      if (event instanceof NavigationEnd) this.pending.set(null);
    });
    inject(DestroyRef).onDestroy(() => opened.unsubscribe());
    effect(() => {
      const url = this.pending();
      if (url === null || !this.connection.isOpen()) return;
      this.pending.set(null);
      this.router.navigateByUrl(url).catch((error: unknown) => {
        // Still failing with the service live (a build replaced meanwhile): say so, keep the shell.
        console.warn(`page ${url} could not be loaded`, error);
      });
    });
  }

  /** The router's error handler: remembers a navigation that failed for want of its code. */
  readonly onNavigationError = (error: NavigationError): void => {
    if (isCodeLoadFailure(error.error)) this.pending.set(error.url);
  };
}

/** For `withNavigationErrorHandler`: runs in the router's injection context. */
export function retryWhenLive(error: NavigationError): void {
  inject(RouteRetry).onNavigationError(error);
}
