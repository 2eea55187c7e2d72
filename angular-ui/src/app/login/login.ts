import { Component, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import { ApiError } from '../core/api/control-api';
import { I18n } from '../core/i18n/i18n';
import { Session } from '../core/session/session';

/** Sign-in form. After a session ended (service restart, logout elsewhere) it says so. */
@Component({
  selector: 'app-login',
  template: `
    <form class="panel login" (submit)="$event.preventDefault(); signIn()">
      <h1>{{ i18n.t('login.title') }}</h1>
      @if (session.ended()) {
        <p class="notice" role="status">{{ i18n.t('login.ended') }}</p>
      }
      <label class="field">
        <span>{{ i18n.t('login.user') }}</span>
        <input
          name="username"
          autocomplete="username"
          required
          [value]="username()"
          (input)="username.set($any($event.target).value)"
        />
      </label>
      <label class="field">
        <span>{{ i18n.t('login.password') }}</span>
        <input
          name="password"
          type="password"
          autocomplete="current-password"
          required
          [value]="password()"
          (input)="password.set($any($event.target).value)"
        />
      </label>
      @if (error()) {
        <p class="error" role="alert">{{ error() }}</p>
      }
      <button type="submit" class="btn btn-primary" [disabled]="busy()">
        {{ i18n.t(busy() ? 'login.busy' : 'login.submit') }}
      </button>
    </form>
  `,
  styles: `
    :host {
      display: flex;
      justify-content: center;
      padding-top: 8vh;
    }
    .login {
      width: min(24rem, 100%);
      display: grid;
      gap: 0.9rem;
    }
    h1 {
      margin: 0;
      font-size: 1.4rem;
    }
    .notice {
      margin: 0;
      padding: 0.5rem 0.7rem;
      background: var(--info-bg);
      border-radius: 6px;
    }
    .error {
      margin: 0;
      color: var(--critical);
      font-weight: 600;
    }
  `,
})
export class Login {
  protected readonly i18n = inject(I18n);
  protected readonly session = inject(Session);
  private readonly router = inject(Router);
  protected readonly username = signal('');
  protected readonly password = signal('');
  protected readonly busy = signal(false);
  protected readonly error = signal('');

  protected async signIn(): Promise<void> {
    this.busy.set(true);
    this.error.set('');
    try {
      await this.session.login(this.username(), this.password());
      this.password.set('');
      await this.router.navigateByUrl('/');
    } catch (error) {
      // Wrong credentials, rate limiting or no service: say which.
      const status = error instanceof ApiError ? error.status : 0;
      this.error.set(
        this.i18n.t(
          status === 401
            ? 'login.failed'
            : status === 429
              ? 'login.rateLimited'
              : 'login.unreachable',
        ),
      );
    } finally {
      this.busy.set(false);
    }
  }
}
