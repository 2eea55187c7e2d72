import {
  Component,
  computed,
  effect,
  inject,
  OnDestroy,
  OnInit,
  signal,
  untracked,
} from '@angular/core';
import { ApiError } from '../core/api/control-api';
import { I18n } from '../core/i18n/i18n';
import { RealtimeConnection } from '../core/realtime/realtime-connection';
import { Session } from '../core/session/session';
import { PlantOverview } from '../dashboard/plant-overview';
import { keyFromHash, retryDelayMs, storedKey, storeKey } from './display-key';

type DisplayStatus = 'signing-in' | 'live' | 'retrying' | 'no-key' | 'revoked';

/** The Screen Wake Lock API (not in every browser, nor in TypeScript's DOM library yet). */
interface WakeLockSentinelLike {
  readonly released: boolean;
  release(): Promise<void>;
}
type WakeLockNavigator = Navigator & {
  wakeLock?: { request(type: 'screen'): Promise<WakeLockSentinelLike> };
};

/**
 * The wall display at `/display` (a screen at the room door): the plant, the valve and the
 * alarms, read-only, full screen, kept awake. It signs in with the display key of its link
 * (`/display#key=…`, kept in this browser) and again by itself whenever its session is gone
 * (service restart, expiry) or the service is unreachable — forever, until the key is revoked.
 */
@Component({
  selector: 'app-display-page',
  imports: [PlantOverview],
  template: `
    @switch (status()) {
      @case ('no-key') {
        <p class="panel notice" role="alert" data-testid="display-notice">
          {{ i18n.t('display.noKey') }}
        </p>
      }
      @case ('revoked') {
        <p class="panel notice" role="alert" data-testid="display-notice">
          {{ i18n.t('display.revoked') }}
        </p>
      }
      @default {
        <app-plant-overview [readOnly]="true" />
      }
    }
    <footer class="display-bar">
      @if (status() === 'retrying') {
        <span role="status">{{ i18n.t('display.retrying') }}</span>
      }
      <span>{{ awakeText() }}</span>
      @if (!fullscreen()) {
        <button type="button" class="btn btn-small" (click)="enterFullscreen()">
          {{ i18n.t('display.fullscreen') }}
        </button>
      }
    </footer>
  `,
  styles: `
    :host {
      display: grid;
      gap: 1rem;
    }
    .notice {
      font-size: 1.15rem;
      max-width: 40rem;
    }
    .display-bar {
      display: flex;
      gap: 1rem;
      align-items: center;
      justify-content: flex-end;
      color: var(--ink-2);
      font-size: 0.9rem;
    }
  `,
})
export class DisplayPage implements OnInit, OnDestroy {
  protected readonly i18n = inject(I18n);
  private readonly session = inject(Session);
  private readonly connection = inject(RealtimeConnection);

  protected readonly status = signal<DisplayStatus>('signing-in');
  protected readonly fullscreen = signal(false);
  private readonly awake = signal<boolean | null>(null);
  protected readonly awakeText = computed(() =>
    this.awake() === false
      ? this.i18n.t('display.mayDim')
      : this.awake()
        ? this.i18n.t('display.awake')
        : '',
  );
  private key: string | null = null;
  private attempts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private wakeLock: WakeLockSentinelLike | null = null;
  private readonly onVisibility = () => {
    // A wake lock is released whenever the page is hidden: take it again when it is back.
    if (document.visibilityState === 'visible') void this.keepAwake();
  };
  private readonly onFullscreen = () => this.fullscreen.set(document.fullscreenElement !== null);

  constructor() {
    // The session ended while open (expiry, a restart that lost it): sign in again at once.
    effect(() => {
      if (this.connection.state() === 'unauthorized' && this.status() === 'live') {
        untracked(() => void this.signIn());
      }
    });
  }

  ngOnInit(): void {
    const fromLink = keyFromHash(location.hash);
    if (fromLink) {
      storeKey(fromLink);
      // The key leaves the address bar (and the history): only this browser keeps it.
      history.replaceState(history.state, '', '/display');
    }
    this.key = fromLink ?? storedKey();
    if (this.key === null) {
      this.status.set('no-key');
      return;
    }
    void this.start();
    void this.keepAwake();
    document.addEventListener('visibilitychange', this.onVisibility);
    document.addEventListener('fullscreenchange', this.onFullscreen);
    this.onFullscreen();
  }

  ngOnDestroy(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    document.removeEventListener('visibilitychange', this.onVisibility);
    document.removeEventListener('fullscreenchange', this.onFullscreen);
    void this.wakeLock?.release().catch(() => undefined);
  }

  protected enterFullscreen(): void {
    void document.documentElement.requestFullscreen?.().catch(() => undefined);
  }

  /** A display session that survived a restart is used as it is; else the key signs in. */
  private async start(): Promise<void> {
    if ((await this.session.restore()) && this.session.isDisplay()) {
      this.status.set('live');
      return;
    }
    await this.signIn();
  }

  private async signIn(): Promise<void> {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.key === null) return;
    try {
      await this.session.displayLogin(this.key);
      this.attempts = 0;
      this.status.set('live');
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        this.status.set('revoked');
        return;
      }
      // Unreachable, rate-limited, restarting: try again, for as long as it takes.
      this.attempts += 1;
      this.status.set('retrying');
      this.retryTimer = setTimeout(() => void this.signIn(), retryDelayMs(this.attempts));
    }
  }

  private async keepAwake(): Promise<void> {
    const wakeLock = (navigator as WakeLockNavigator).wakeLock;
    if (!wakeLock) {
      this.awake.set(false);
      return;
    }
    try {
      this.wakeLock = await wakeLock.request('screen');
      this.awake.set(true);
    } catch {
      this.awake.set(false); // refused (battery saver, not visible): said on the screen
    }
  }
}
