import { Component, computed, inject, signal } from '@angular/core';
import type { Setpoints } from '@cryopilot/protocol';
import { I18n } from '../../core/i18n/i18n';
import { CommandSender } from '../../core/realtime/command-sender';
import { RealtimeState } from '../../core/realtime/realtime-state';
import { hasRole, Session } from '../../core/session/session';
import { describeOutcome } from '../../shared/command-feedback';
import { changedSetpoints, SETPOINT_GROUPS } from './setpoint-fields';

/**
 * Setpoints editor (admins). The service validates the whole set and its messages are shown
 * as they come (`fillStopPct: must be > fillStartPct`); nothing is changed on refusal.
 */
@Component({
  selector: 'app-setpoints-page',
  template: `
    <form class="panel" (submit)="$event.preventDefault(); save()">
      <h1 class="panel-title">{{ i18n.t('setpoints.title') }}</h1>
      @if (!isAdmin()) {
        <p class="notice">{{ i18n.t('setpoints.adminOnly') }}</p>
      }
      @if (state.setpoints(); as current) {
        @for (group of groups; track group.title) {
          <fieldset [disabled]="!canEdit()">
            <legend>{{ i18n.t(group.title) }}</legend>
            <div class="grid">
              @for (field of group.fields; track field.key) {
                <label class="field">
                  <span>{{ field.key }} ({{ field.unit }})</span>
                  <input
                    type="number"
                    [name]="field.key"
                    [step]="field.step"
                    [value]="edited()[field.key] ?? current[field.key]"
                    (input)="edit(field.key, $any($event.target).value)"
                  />
                </label>
              }
            </div>
          </fieldset>
        }
      }
      <p class="feedback" role="status" data-testid="setpoints-feedback">{{ feedback() }}</p>
      <button type="submit" class="btn btn-primary" [disabled]="!canEdit() || busy()">
        {{ i18n.t('setpoints.save') }}
      </button>
    </form>
  `,
  styles: `
    fieldset {
      border: 1px solid var(--line);
      border-radius: 6px;
      margin: 0 0 1rem;
    }
    .grid {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(13rem, 1fr));
      gap: 0.7rem;
    }
    .feedback {
      min-height: 1.2rem;
      white-space: pre-line;
    }
  `,
})
export class SetpointsPage {
  protected readonly i18n = inject(I18n);
  protected readonly state = inject(RealtimeState);
  private readonly session = inject(Session);
  private readonly commands = inject(CommandSender);
  protected readonly groups = SETPOINT_GROUPS;
  protected readonly edited = signal<Partial<Record<keyof Setpoints, string>>>({});
  protected readonly busy = signal(false);
  protected readonly feedback = signal('');
  protected readonly isAdmin = computed(() => hasRole(this.session.role(), 'admin'));
  protected readonly canEdit = computed(() => this.isAdmin() && this.state.isLive());

  protected edit(key: keyof Setpoints, value: string): void {
    this.edited.update((e) => ({ ...e, [key]: value }));
  }

  protected async save(): Promise<void> {
    const current = this.state.setpoints();
    if (!current) return;
    const patch = changedSetpoints(current, this.edited());
    if ('invalid' in patch) {
      this.feedback.set(`${String(patch.invalid)}: ?`);
      return;
    }
    if (Object.keys(patch).length === 0) return;
    this.busy.set(true);
    const outcome = await this.commands.send('setpoints.set', patch);
    this.busy.set(false);
    if (outcome.ok) {
      this.edited.set({});
      this.feedback.set(this.i18n.t('setpoints.saved'));
    } else {
      this.feedback.set(describeOutcome(this.i18n, outcome));
    }
  }
}
