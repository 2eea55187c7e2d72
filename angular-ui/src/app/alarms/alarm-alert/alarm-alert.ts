import { Component, computed, DestroyRef, effect, inject, signal } from '@angular/core';
import type { Alarm } from '@cryopilot/protocol';
import type { TextKey } from '../../core/i18n/en';
import { I18n } from '../../core/i18n/i18n';
import { RealtimeState } from '../../core/realtime/realtime-state';
import { alarmText } from '../../shared/service-text';
import { ALERT_BY_PRIORITY, criticalTone, newRaises, raiseKey } from './alert-policy';
import { AlertSettings } from './alert-settings';

/** Seconds between two repeats of the critical tone. */
const REPEAT_MS = 2500;

/**
 * Visual, audible and system alerts by priority (issue 11): a banner (assertive live region)
 * for critical alarms; Web Audio tones (no sound file to download): a critical alarm repeats
 * its tone until acknowledged or muted, a warning sounds once, info is silent; a system
 * notification for each new critical or warning raise when this browser opted in. "New" is an
 * occurrence the page has not seen: the snapshot after a reconnect announces nothing again.
 * Never on the wall display (app.html): nobody there may acknowledge or mute.
 */
@Component({
  selector: 'app-alarm-alert',
  template: `
    <div class="alert-bar" [class.is-visible]="current()" role="alert" aria-live="assertive">
      @if (current(); as alarm) {
        <span class="alert-text">{{
          i18n.t('alarms.newCritical', { message: messageText(alarm) })
        }}</span>
        <button type="button" class="btn btn-small" (click)="dismiss()">
          {{ i18n.t('alarms.dismiss') }}
        </button>
      }
      <button
        type="button"
        class="btn btn-small mute"
        [attr.aria-pressed]="muted()"
        (click)="settings.toggleMute()"
      >
        {{ i18n.t(muted() ? 'alarms.unmute' : 'alarms.mute') }}
      </button>
    </div>
  `,
  styles: `
    .alert-bar {
      display: none;
      align-items: center;
      gap: 0.6rem;
      flex-wrap: wrap;
      padding: 0.5rem 1rem;
      background: var(--critical);
      color: var(--on-critical);
      font-weight: 700;
    }
    .alert-bar.is-visible {
      display: flex;
      animation: pulse 1s ease-in-out 3;
    }
    .alert-text {
      flex: 1;
    }
    @keyframes pulse {
      50% {
        filter: brightness(0.8);
      }
    }
  `,
})
export class AlarmAlert {
  protected readonly i18n = inject(I18n);
  private readonly state = inject(RealtimeState);
  protected readonly settings = inject(AlertSettings);
  protected readonly muted = this.settings.muted;
  /** Every raise seen on this page (kept across reconnects), announced or baseline. */
  private seen: ReadonlySet<string> | null = null;
  private readonly dismissed = signal<ReadonlySet<string>>(new Set());
  private audio: AudioContext | null = null;
  private repeat: ReturnType<typeof setInterval> | null = null;
  protected readonly messageText = (alarm: Alarm): string => alarmText(this.i18n, alarm);

  private readonly unacked = computed(() =>
    this.state
      .activeAlarms()
      .filter((a) => a.severity === 'critical' && a.state === 'active-unacked'),
  );
  protected readonly current = computed<Alarm | null>(
    () => this.unacked().find((a) => !this.dismissed().has(raiseKey(a))) ?? null,
  );
  /** The repeating tone: a critical alarm unacknowledged, sound not muted. */
  private readonly toneOn = computed(
    () => this.state.hasData() && !this.muted() && criticalTone(this.state.activeAlarms()),
  );

  constructor() {
    // Imperative sinks: a tone and a notification for each raise the page has not seen.
    effect(() => {
      const alarms = this.state.activeAlarms();
      if (!this.state.hasData()) return;
      const { fresh, seen } = newRaises(alarms, this.seen ?? new Set());
      const baseline = this.seen === null;
      this.seen = seen;
      // The first snapshot is what the page opens on: on screen, not news.
      if (baseline) return;
      for (const alarm of fresh) this.announce(alarm);
    });
    effect(() => {
      if (this.toneOn()) this.startTone();
      else this.stopTone();
    });
    inject(DestroyRef).onDestroy(() => this.stopTone());
  }

  protected dismiss(): void {
    const alarm = this.current();
    if (alarm) this.dismissed.update((set) => new Set([...set, raiseKey(alarm)]));
  }

  private announce(alarm: Alarm): void {
    const kind = ALERT_BY_PRIORITY[alarm.severity];
    if (kind.sound === 'once' && !this.muted()) this.tone([660], 0.15);
    if (kind.notify && this.settings.notifications()) this.notify(alarm);
  }

  private notify(alarm: Alarm): void {
    const title = this.i18n.t(`alarms.severity.${alarm.severity}` as TextKey).toUpperCase();
    const options: NotificationOptions = {
      body: this.messageText(alarm),
      tag: raiseKey(alarm),
      requireInteraction: alarm.severity === 'critical',
      icon: '/icons/icon-192.png',
    };
    try {
      new Notification(`CryoPilot · ${title}`, options);
    } catch {
      // Android only shows notifications through the service worker.
      void navigator.serviceWorker?.ready
        .then((registration) => registration.showNotification(`CryoPilot · ${title}`, options))
        .catch(() => undefined);
    }
  }

  private startTone(): void {
    if (this.repeat !== null) return;
    this.tone([880, 660, 880], 0.2);
    this.repeat = setInterval(() => this.tone([880, 660, 880], 0.2), REPEAT_MS);
  }

  private stopTone(): void {
    if (this.repeat === null) return;
    clearInterval(this.repeat);
    this.repeat = null;
  }

  /** Generated tones, one after the other (no audio file). */
  private tone(frequencies: readonly number[], seconds: number): void {
    try {
      this.audio ??= new AudioContext();
      const ctx = this.audio;
      // Before the first click the browser keeps audio suspended: tones scheduled then would
      // all sound at once when it resumes. Ask to resume, and sound from the next tone on.
      if (ctx.state !== 'running') {
        void ctx.resume();
        return;
      }
      for (const [i, frequency] of frequencies.entries()) {
        const oscillator = ctx.createOscillator();
        const gain = ctx.createGain();
        oscillator.frequency.value = frequency;
        gain.gain.value = 0.2;
        oscillator.connect(gain).connect(ctx.destination);
        oscillator.start(ctx.currentTime + i * (seconds + 0.05));
        oscillator.stop(ctx.currentTime + i * (seconds + 0.05) + seconds);
      }
    } catch {
      // No audio device, or autoplay blocked until the first click: the banner still shows.
    }
  }
}
