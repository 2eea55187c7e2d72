import { Component, computed, effect, inject } from '@angular/core';
import { Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { AlarmAlert } from './alarms/alarm-alert/alarm-alert';
import { StatusBand } from './status-band/status-band';
import type { TextKey } from './core/i18n/en';
import { I18n, Language, LANGUAGES } from './core/i18n/i18n';
import { RealtimeConnection } from './core/realtime/realtime-connection';
import { RealtimeState } from './core/realtime/realtime-state';
import { Session } from './core/session/session';

/**
 * The shell: header (device, connection state, user, language, logout), navigation, the
 * outage overlay that blocks every control while values are not live, and the alarm alert.
 */
@Component({
  selector: 'app-root',
  imports: [RouterOutlet, RouterLink, RouterLinkActive, AlarmAlert, StatusBand],
  templateUrl: './app.html',
  styleUrl: './app.css',
})
export class App {
  protected readonly i18n = inject(I18n);
  protected readonly session = inject(Session);
  protected readonly connection = inject(RealtimeConnection);
  protected readonly state = inject(RealtimeState);
  private readonly router = inject(Router);
  protected readonly languages = LANGUAGES;

  protected readonly isAdmin = this.session.isAdmin;
  /** A wall display: no navigation, no sign-out, no alert banner (its alarms are on screen). */
  protected readonly isDisplay = this.session.isDisplay;
  /** Logged in but not live: the overlay covers the page and makes it inert. */
  protected readonly showOverlay = computed(
    () => this.session.user() !== null && !this.state.isLive(),
  );
  protected readonly connectionText = computed(() =>
    this.i18n.t(`conn.${this.connection.state()}` as TextKey),
  );

  constructor() {
    // Imperative sink: a session that ended while the page was open leads to the login form
    // (a wall display signs in again by itself instead).
    effect(() => {
      if (this.connection.state() !== 'unauthorized') return;
      if (!this.router.url.startsWith('/display')) void this.router.navigateByUrl('/login');
    });
  }

  protected useLanguage(language: Language): void {
    this.i18n.use(language);
  }

  protected async logout(): Promise<void> {
    await this.session.logout();
    await this.router.navigateByUrl('/login');
  }

  protected roleText(role: string): string {
    return this.i18n.t(`role.${role}` as TextKey);
  }
}
