import { Component, inject } from '@angular/core';
import { I18n } from '../../core/i18n/i18n';
import { AlertSettings } from './alert-settings';

/**
 * This browser's alert choices, under the alarm list: sound (critical repeats until
 * acknowledged, a warning sounds once) and system notifications, opt-in (the browser asks its
 * permission on this click, never before).
 */
@Component({
  selector: 'app-alert-settings',
  template: `
    <div class="alert-settings" role="group" [attr.aria-label]="i18n.t('alerts.group')">
      <button
        type="button"
        class="btn btn-small"
        data-testid="alert-sound"
        [attr.aria-pressed]="!settings.muted()"
        (click)="settings.toggleMute()"
      >
        @if (!settings.muted()) {
          <span aria-hidden="true">✓</span>
        }
        {{ i18n.t('alerts.sound') }}
      </button>
      @if (settings.access() !== 'unsupported') {
        <button
          type="button"
          class="btn btn-small"
          data-testid="alert-notifications"
          [attr.aria-pressed]="settings.notifications()"
          [attr.aria-describedby]="settings.access() === 'denied' ? 'alert-denied' : null"
          (click)="settings.toggleNotifications()"
        >
          @if (settings.notifications()) {
            <span aria-hidden="true">✓</span>
          }
          {{ i18n.t('alerts.notifications') }}
        </button>
      }
    </div>
    @if (settings.access() === 'denied') {
      <p class="hint" id="alert-denied">{{ i18n.t('alerts.denied') }}</p>
    }
  `,
  styles: `
    .alert-settings {
      display: flex;
      gap: 0.4rem;
      flex-wrap: wrap;
      margin-top: 0.6rem;
    }
    .btn[aria-pressed='true'] {
      border-color: var(--accent);
      box-shadow: inset 0 0 0 1px var(--accent);
    }
    .hint {
      margin: 0.3rem 0 0;
      font-size: 0.85rem;
      color: var(--ink-2);
    }
  `,
})
export class AlertSettingsPanel {
  protected readonly i18n = inject(I18n);
  protected readonly settings = inject(AlertSettings);
}
