import { NgTemplateOutlet } from '@angular/common';
import { Component, computed, inject, signal, viewChild } from '@angular/core';
import type { Setpoints } from '@cryopilot/protocol';
import { I18n } from '../../core/i18n/i18n';
import { CommandFailure, CommandSender } from '../../core/realtime/command-sender';
import { RealtimeState } from '../../core/realtime/realtime-state';
import { Session } from '../../core/session/session';
import { describeOutcome } from '../../shared/command-feedback';
import { ConfirmDialog } from '../../shared/confirm-dialog/confirm-dialog';
import { serverFieldText } from './server-field-text';
import {
  ALL_FIELDS,
  changedSetpoints,
  checkField,
  helpKey,
  labelKey,
  SETPOINT_GROUPS,
  SetpointField,
  TRIP_FIELDS,
} from './setpoint-fields';

type Edits = Partial<Record<keyof Setpoints, string>>;

/**
 * Setpoints editor (admins), for people: each setpoint by name with its unit, range and a line
 * of help; a typed value is checked against its range at once, and the service's refusal is
 * shown beside the field it is about (`error.fields`). Leaving with unsaved edits asks first. Operating setpoints are saved as they are; the safety trips (the
 * settings that close the valve) are saved apart, only after a confirmation naming the old and
 * new values with a reason, which the service audits. The service validates the whole set and
 * its messages are shown as they come; nothing is changed on refusal.
 */
@Component({
  selector: 'app-setpoints-page',
  host: { '(window:beforeunload)': 'onBeforeUnload($event)' },
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

    <!--
      One setpoint: its name, unit, range and a line of help; a text field that takes "19.5" or
      "19,5" (no browser step refusing a valid value); the problem, if any, right under it.
    -->
    <ng-template #input let-field="field" let-edits="edits" let-current="current">
      @let id = 'sp-' + field.key;
      @let problem = problemOf(field, edits);
      <div class="field" [class.invalid]="problem">
        <label [for]="id">
          {{ i18n.t(labelKey(field.key)) }} <span class="unit">({{ field.unit }})</span>
        </label>
        <input
          type="text"
          inputmode="decimal"
          autocomplete="off"
          [id]="id"
          [name]="field.key"
          [value]="edits()[field.key] ?? inputText(current[field.key])"
          [attr.aria-invalid]="problem ? 'true' : null"
          [attr.aria-describedby]="id + '-help' + (problem ? ' ' + id + '-problem' : '')"
          (input)="edit(edits, field.key, $any($event.target).value)"
        />
        <small class="help" [id]="id + '-help'">
          {{ i18n.t(helpKey(field.key)) }}
          {{ i18n.t('setpoints.range', rangeParams(field)) }}
        </small>
        @if (problem) {
          <small class="problem" [id]="id + '-problem'" [attr.data-testid]="'problem-' + field.key">
            {{ problem }}
          </small>
        }
      </div>
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
            <strong>{{ i18n.t(labelKey(change.key)) }}</strong>:
            {{ i18n.number(change.from, change.decimals) }} →
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
      grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr));
      gap: 0.9rem;
    }
    .unit {
      font-weight: normal;
    }
    .help {
      display: block;
      color: var(--ink-2);
      line-height: 1.3;
    }
    /* Amber, not red: red is for alarms only (ISA-101). */
    .problem {
      display: block;
      color: var(--warning);
      font-weight: 600;
    }
    .invalid input {
      border-color: var(--warning);
      border-width: 2px;
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
  /** The service's word on each field of the last refused save, until that field is edited. */
  private readonly serverProblems = signal<Partial<Record<keyof Setpoints, string>>>({});
  protected readonly labelKey = labelKey;
  protected readonly helpKey = helpKey;
  protected readonly isAdmin = computed(() => this.session.may('setpoints.set'));
  /** Edits not saved yet: a typed value that is not the service's, or not a number at all. */
  protected readonly dirty = computed(() => {
    const current = this.state.setpoints();
    if (!current) return false;
    return [this.edited(), this.tripEdits()].some((edits) => {
      const patch = changedSetpoints(current, edits);
      return 'invalid' in patch || Object.keys(patch).length > 0;
    });
  });
  protected readonly canEdit = computed(() => this.isAdmin() && this.state.isLive());

  /** The trips the dialog asks about: old → new, as the admin edited them. */
  protected readonly tripChanges = computed(() => {
    const current = this.state.setpoints();
    const patch = current ? changedSetpoints(current, this.tripEdits()) : {};
    if (!current || 'invalid' in patch) return [];
    return TRIP_FIELDS.filter((f: SetpointField) => patch[f.key] !== undefined).map((f) => ({
      key: f.key,
      unit: f.unit,
      decimals: f.decimals,
      from: current[f.key],
      to: patch[f.key] as number,
    }));
  });

  protected edit(target: typeof this.edited, key: keyof Setpoints, value: string): void {
    target.update((e) => ({ ...e, [key]: value }));
    this.serverProblems.update((p) => ({ ...p, [key]: undefined }));
  }

  /** What is wrong with a field: its own value first, then what the service said of it. */
  protected problemOf(field: SetpointField, edits: typeof this.edited): string {
    const text = edits()[field.key];
    const own = text === undefined ? null : checkField(field, text);
    if (own?.kind === 'not_number') return this.i18n.t('setpoints.err.notNumber');
    if (own?.kind === 'range') return this.i18n.t('setpoints.err.range', this.rangeParams(field));
    const server = this.serverProblems()[field.key];
    return server ? serverFieldText(this.i18n, server) : '';
  }

  protected rangeParams(field: SetpointField): Record<string, string> {
    return {
      min: this.i18n.number(field.min, field.decimals),
      max: this.i18n.number(field.max, field.decimals),
      unit: field.unit,
    };
  }

  /** A value in the field as typed in the page's language (no thousands separator). */
  protected inputText(value: number): string {
    const text = String(value);
    return this.i18n.language() === 'fr' ? text.replace('.', ',') : text;
  }

  /** Route guard (app.routes.ts): leaving with unsaved edits asks first. */
  confirmLeave(): boolean {
    return !this.dirty() || window.confirm(this.i18n.t('setpoints.unsaved'));
  }

  protected onBeforeUnload(event: BeforeUnloadEvent): void {
    if (this.dirty()) event.preventDefault();
  }

  /** Refused: the problems located on their fields, and the message when none could be. */
  private showRefusal(
    outcome: { ok: false; error: CommandFailure },
    feedback: typeof this.feedback,
  ): void {
    const fields = ('fields' in outcome.error ? outcome.error.fields : undefined) ?? {};
    const known = ALL_FIELDS.filter((f) => fields[f.key] !== undefined);
    this.serverProblems.set(Object.fromEntries(known.map((f) => [f.key, fields[f.key]])));
    feedback.set(
      known.length > 0
        ? this.i18n.t('setpoints.err.see', { n: known.length })
        : describeOutcome(this.i18n, outcome),
    );
  }

  protected async save(): Promise<void> {
    const current = this.state.setpoints();
    if (!current) return;
    const patch = changedSetpoints(current, this.edited());
    if ('invalid' in patch || this.hasOwnProblems(this.edited())) {
      this.feedback.set(this.i18n.t('setpoints.err.fix'));
      return;
    }
    if (Object.keys(patch).length === 0) return;
    this.busy.set(true);
    const outcome = await this.commands.send('setpoints.set', patch);
    this.busy.set(false);
    if (outcome.ok) {
      this.edited.set({});
      this.serverProblems.set({});
      this.feedback.set(this.i18n.t('setpoints.saved'));
    } else {
      this.showRefusal(outcome, this.feedback);
    }
  }

  protected askTrips(): void {
    const current = this.state.setpoints();
    if (!current) return;
    const patch = changedSetpoints(current, this.tripEdits());
    if ('invalid' in patch || this.hasOwnProblems(this.tripEdits())) {
      this.tripFeedback.set(this.i18n.t('setpoints.err.fix'));
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
      this.serverProblems.set({});
      this.tripFeedback.set(this.i18n.t('setpoints.trips.saved'));
    } else {
      this.showRefusal(outcome, this.tripFeedback);
    }
    this.dialog().settleFocus();
  }

  private hasOwnProblems(edits: Partial<Record<keyof Setpoints, string>>): boolean {
    return ALL_FIELDS.some((f) => edits[f.key] !== undefined && checkField(f, edits[f.key]!));
  }
}
