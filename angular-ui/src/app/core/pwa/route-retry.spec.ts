import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router, Routes, withNavigationErrorHandler } from '@angular/router';
import { RealtimeConnection } from '../realtime/realtime-connection';
import { REALTIME_URL, SESSION_PROBE, SOCKET_FACTORY } from '../realtime/socket-factory';
import { FakeSocketFactory } from '../realtime/testing/fake-socket';
import { isCodeLoadFailure, retryWhenLive } from './route-retry';

@Component({ template: 'page' })
class Page {}

/** What each browser's dynamic import() rejects with when the chunk cannot be fetched. */
const CHROMIUM = new TypeError(
  'Failed to fetch dynamically imported module: https://pi.local/chunk-ABCDEFGH.js',
);
const FIREFOX = new TypeError(
  'error loading dynamically imported module: https://pi.local/chunk-ABCDEFGH.js',
);
const SAFARI = new TypeError('Importing a module script failed.');

describe('isCodeLoadFailure', () => {
  it("recognises each browser's failed dynamic import", () => {
    expect([CHROMIUM, FIREFOX, SAFARI].map(isCodeLoadFailure)).toEqual([true, true, true]);
  });

  it('leaves every other error alone', () => {
    const others = [
      new Error('Failed to fetch dynamically imported module'), // not the browser's TypeError
      new TypeError("Cannot read properties of undefined (reading 'x')"),
      'Failed to fetch dynamically imported module',
      null,
    ];
    expect(others.map(isCodeLoadFailure)).toEqual([false, false, false, false]);
  });
});

describe('RouteRetry', () => {
  let sockets: FakeSocketFactory;
  let router: Router;
  /** Loads of the lazy page, and what the next one does. */
  let loads: number;
  let failWith: unknown;

  beforeEach(() => {
    sockets = new FakeSocketFactory();
    loads = 0;
    failWith = CHROMIUM;
    const routes: Routes = [
      { path: '', component: Page },
      { path: 'elsewhere', component: Page },
      {
        path: 'setpoints',
        loadComponent: () => {
          loads += 1;
          return failWith ? Promise.reject(failWith) : Promise.resolve(Page);
        },
      },
    ];
    TestBed.configureTestingModule({
      providers: [
        provideRouter(routes, withNavigationErrorHandler(retryWhenLive)),
        { provide: SOCKET_FACTORY, useValue: sockets.create },
        { provide: REALTIME_URL, useValue: 'ws://test/ws' },
        { provide: SESSION_PROBE, useValue: () => Promise.resolve('valid') },
      ],
    });
    router = TestBed.inject(Router);
    TestBed.inject(RealtimeConnection).connect();
  });

  /** Lets the effect run and the navigation it starts settle. */
  async function settle(): Promise<void> {
    for (let i = 0; i < 5; i++) {
      TestBed.tick();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  it('opens a page whose code could not be fetched once the connection is live, not before', async () => {
    await expect(router.navigateByUrl('/setpoints')).rejects.toBe(CHROMIUM);
    await settle();
    expect([router.url, loads]).toEqual(['/', 1]); // still offline: nothing retried

    failWith = null; // the service is back: the chunk can be fetched
    sockets.last.open();
    await settle();
    expect([router.url, loads]).toEqual(['/setpoints', 2]);

    // Once only: leaving the page afterwards is not undone.
    await router.navigateByUrl('/');
    await settle();
    expect([router.url, loads]).toEqual(['/', 2]);
  });

  it('forgets the failed page once another page has been opened meanwhile', async () => {
    await expect(router.navigateByUrl('/setpoints')).rejects.toBe(CHROMIUM);
    await router.navigateByUrl('/elsewhere'); // its code was at hand
    failWith = null;
    sockets.last.open();
    await settle();
    expect([router.url, loads]).toEqual(['/elsewhere', 1]);
  });

  it('leaves any other navigation error to the router: no retry', async () => {
    const bug = new Error('a bug in the page');
    failWith = bug;
    await expect(router.navigateByUrl('/setpoints')).rejects.toBe(bug);
    failWith = null;
    sockets.last.open();
    await settle();
    expect([router.url, loads]).toEqual(['/', 1]);
  });
});
