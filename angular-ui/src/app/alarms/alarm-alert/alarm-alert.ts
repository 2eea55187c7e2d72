import { Component, computed, effect, inject, signal } from '@angular/core';
import type { Alarm } from '@cryopilot/protocol';
import { I18n } from '../../core/i18n/i18n';
import { RealtimeState } from '../../core/realtime/realtime-state';
import { alarmText } from '../../shared/service-text';

const MUTE_KEY = 'cryopilot.muted';

/**
 * Visual and audible alert for new critical alarms: a banner (assertive live region) and a
 * Web Audio beep (no sound file to download), with a remembered mute. "New" means an alarm
 * that became active-unacked since the page last saw it; a snapshot does not re-alert for
 * alarms already shown.
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
        (click)="toggleMute()"
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
  protected readonly muted = signal(readMuted());
  private readonly alerted = signal<ReadonlySet<string>>(new Set());
  private readonly dismissed = signal<ReadonlySet<string>>(new Set());
  private audio: AudioContext | null = null;
  protected readonly messageText = (alarm: Alarm): string => alarmText(this.i18n, alarm);

  private readonly unacked = computed(() =>
    this.state
      .activeAlarms()
      .filter((a) => a.severity === 'critical' && a.state === 'active-unacked'),
  );
  protected readonly current = computed<Alarm | null>(
    () => this.unacked().find((a) => !this.dismissed().has(key(a))) ?? null,
  );

  constructor() {
    // Imperative sink: a beep for each critical alarm the page has not alerted yet.
    effect(() => {
      const fresh = this.unacked().filter((a) => !this.alerted().has(key(a)));
      if (fresh.length === 0) return;
      this.alerted.update((set) => new Set([...set, ...fresh.map(key)]));
      if (!this.muted()) this.beep();
    });
  }

  protected dismiss(): void {
    const alarm = this.current();
    if (alarm) this.dismissed.update((set) => new Set([...set, key(alarm)]));
  }

  protected toggleMute(): void {
    this.muted.update((m) => !m);
    try {
      localStorage.setItem(MUTE_KEY, String(this.muted()));
    } catch {
      // Storage disabled: the choice lasts for this page only.
    }
  }

  private beep(): void {
    try {
      this.audio ??= new AudioContext();
      const ctx = this.audio;
      void ctx.resume();
      for (const [i, frequency] of [880, 660, 880].entries()) {
        const oscillator = ctx.createOscillator();
        const gain = ctx.createGain();
        oscillator.frequency.value = frequency;
        gain.gain.value = 0.2;
        oscillator.connect(gain).connect(ctx.destination);
        oscillator.start(ctx.currentTime + i * 0.25);
        oscillator.stop(ctx.currentTime + i * 0.25 + 0.2);
      }
    } catch {
      // No audio device or autoplay blocked until the first click: the banner still shows.
    }
  }
}

/** An alarm occurrence: the same alarm raised again later alerts again. */
function key(alarm: Alarm): string {
  return `${alarm.id}@${alarm.activeSince ?? ''}`;
}

function readMuted(): boolean {
  try {
    return localStorage.getItem(MUTE_KEY) === 'true';
  } catch {
    // Storage disabled: not muted.
    return false;
  }
}
