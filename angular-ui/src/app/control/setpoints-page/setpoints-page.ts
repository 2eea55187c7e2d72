import { NgTemplateOutlet } from '@angular/common';
import { Component, computed, inject, signal, viewChild } from '@angular/core';
import type { Setpoints } from '@cryopilot/protocol';
import { I18n } from '../../core/i18n/i18n';
import { CommandSender } from '../../core/realtime/command-sender';
import { RealtimeState } from '../../core/realtime/realtime-state';
import { Session } from '../../core/session/session';
import { describeOutcome } from '../../shared/command-feedback';
import { ConfirmDialog } from '../../shared/confirm-dialog/confirm-dialog';
import { changedSetpoints, SETPOINT_GROUPS, SetpointField, TRIP_FIELDS } from './setpoint-fields';

type Edits = Partial<Record<keyof Setpoints, string>>;

/**
 * Setpoints editor (admins). Operating setpoints are saved as they are; the safety trips (the
 * settings that close the valve) are saved apart, only after a confirmation naming the old and
 * new values with a reason, which the service audits. The service validates the whole set and
 * its messages are shown as they come; nothing is changed on refusal.
 */
@Component({
  selector: 'app-setpoints-page',
  imports: [ConfirmDialog, NgTemplateOutlet],
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
                <ng-container
                  *ngTemplateOutlet="input; context: { field, edits: edited, current }"
                />
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

    <form class="panel trips" (submit)="$event.preventDefault(); askTrips()">
      <h2 class="panel-title" tabindex="-1" #tripsHeading>
        {{ i18n.t('setpoints.trips.title') }}
      </h2>
      <p class="notice">{{ i18n.t('setpoints.trips.notice') }}</p>
      @if (state.setpoints(); as current) {
        <fieldset [disabled]="!canEdit()">
          <div class="grid">
            @for (field of tripFields; track field.key) {
              <ng-container
                *ngTemplateOutlet="input; context: { field, edits: tripEdits, current }"
              />
            }
          </div>
        </fieldset>
      }
      <p class="feedback" role="status" data-testid="trips-feedback">{{ tripFeedback() }}</p>
      <button type="submit" class="btn" [disabled]="!canEdit() || busy()">
        {{ i18n.t('setpoints.trips.change') }}
      </button>
    </form>

    <!-- One numeric field: the edited text if any, else the service's current value. -->
    <ng-template #input let-field="field" let-edits="edits" let-current="current">
      <label class="field">
        <span>{{ field.key }} ({{ field.unit }})</span>
        <input
          type="number"
          [name]="field.key"
          [step]="field.step"
          [value]="edits()[field.key] ?? current[field.key]"
          (input)="edit(edits, field.key, $any($event.target).value)"
        />
      </label>
    </ng-template>

    <app-confirm-dialog
      [title]="i18n.t('setpoints.trips.confirmTitle')"
      [confirmLabel]="i18n.t('setpoints.trips.confirm')"
      [fallbackFocus]="tripsHeading"
      [confirmDisabled]="reason().trim().length < 3"
      (confirmed)="saveTrips()"
    >
      <p>{{ i18n.t('setpoints.trips.confirmText') }}</p>
      <ul class="changes" data-testid="trip-changes">
        @for (change of tripChanges(); track change.key) {
          <li>
            <strong>{{ change.key }}</strong>: {{ i18n.number(change.from, change.decimals) }} →
            {{ i18n.number(change.to, change.decimals) }} {{ change.unit }}
          </li>
        }
      </ul>
      <label class="field">
        <span>{{ i18n.t('setpoints.trips.reason') }}</span>
        <textarea
          rows="2"
          maxlength="500"
          [value]="reason()"
          (input)="reason.set($any($event.target).value)"
        ></textarea>
      </label>
    </app-confirm-dialog>
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
    .trips {
      margin-top: 1rem;
    }
    .changes {
      padding-left: 1.2rem;
    }
  `,
})
export class SetpointsPage {
  protected readonly i18n = inject(I18n);
  protected readonly state = inject(RealtimeState);
  private readonly session = inject(Session);
  private readonly commands = inject(CommandSender);
  private readonly dialog = viewChild.required(ConfirmDialog);
  protected readonly groups = SETPOINT_GROUPS;
  protected readonly tripFields = TRIP_FIELDS;
  protected readonly edited = signal<Edits>({});
  protected readonly tripEdits = signal<Edits>({});
  protected readonly reason = signal('');
  protected readonly busy = signal(false);
  protected readonly feedback = signal('');
  protected readonly tripFeedback = signal('');
  protected readonly isAdmin = computed(() => this.session.may('setpoints.set'));
  protected readonly canEdit = computed(() => this.isAdmin() && this.state.isLive());

  /** The trips the dialog asks about: old → new, as the admin edited them. */
  protected readonly tripChanges = computed(() => {
    const current = this.state.setpoints();
    const patch = current ? changedSetpoints(current, this.tripEdits()) : {};
    if (!current || 'invalid' in patch) return [];
    return TRIP_FIELDS.filter((f: SetpointField) => patch[f.key] !== undefined).map((f) => ({
      key: f.key,
      unit: f.unit,
      decimals: f.step < 1 ? 1 : 0,
      from: current[f.key],
      to: patch[f.key] as number,
    }));
  });

  protected edit(target: typeof this.edited, key: keyof Setpoints, value: string): void {
    target.update((e) => ({ ...e, [key]: value }));
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

  protected askTrips(): void {
    const current = this.state.setpoints();
    if (!current) return;
    const patch = changedSetpoints(current, this.tripEdits());
    if ('invalid' in patch) {
      this.tripFeedback.set(`${String(patch.invalid)}: ?`);
      return;
    }
    if (Object.keys(patch).length === 0) return;
    this.reason.set('');
    this.dialog().open();
  }

  protected async saveTrips(): Promise<void> {
    const changes = this.tripChanges();
    if (changes.length === 0) return;
    const patch = Object.fromEntries(changes.map((c) => [c.key, c.to]));
    this.busy.set(true);
    const outcome = await this.commands.send('trips.set', {
      ...patch,
      confirm: true,
      reason: this.reason().trim(),
    });
    this.busy.set(false);
    if (outcome.ok) {
      this.tripEdits.set({});
      this.tripFeedback.set(this.i18n.t('setpoints.trips.saved'));
    } else {
      this.tripFeedback.set(describeOutcome(this.i18n, outcome));
    }
    this.dialog().settleFocus();
  }
}
