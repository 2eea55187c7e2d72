import { inject } from '@angular/core';
import { CanActivateFn, CanDeactivateFn, Router, Routes } from '@angular/router';
import { Session } from './core/session/session';

/** Pages need a session; without one the page goes to the login form. */
const signedIn: CanActivateFn = async () => {
  const session = inject(Session);
  const router = inject(Router);
  return (await session.restore()) || session.user() ? true : router.parseUrl('/login');
};

const admin: CanActivateFn = () =>
  inject(Session).isAdmin() ? true : inject(Router).parseUrl('/');

/** A page with unsaved edits (the setpoints form) asks before it is left. */
const unsavedEdits: CanDeactivateFn<{ confirmLeave(): boolean }> = (page) => page.confirmLeave();

export const routes: Routes = [
  { path: 'login', loadComponent: () => import('./login/login').then((m) => m.Login) },
  // The wall display signs itself in with its key: no sign-in form, no guard.
  {
    path: 'display',
    loadComponent: () => import('./display/display-page').then((m) => m.DisplayPage),
  },
  {
    path: '',
    canActivate: [signedIn],
    children: [
      {
        path: '',
        pathMatch: 'full',
        loadComponent: () => import('./dashboard/dashboard').then((m) => m.Dashboard),
      },
      {
        path: 'setpoints',
        canDeactivate: [unsavedEdits],
        loadComponent: () =>
          import('./control/setpoints-page/setpoints-page').then((m) => m.SetpointsPage),
      },
      {
        path: 'audit',
        canActivate: [admin],
        loadComponent: () => import('./audit/audit-page').then((m) => m.AuditPage),
      },
      {
        path: 'displays',
        canActivate: [admin],
        loadComponent: () => import('./displays/displays-page').then((m) => m.DisplaysPage),
      },
      {
        path: 'diagnostics',
        loadComponent: () =>
          import('./diagnostics/diagnostics-page').then((m) => m.DiagnosticsPage),
      },
    ],
  },
  { path: '**', redirectTo: '' },
];
