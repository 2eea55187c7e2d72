import { Component, computed, inject, input, signal, viewChild } from '@angular/core';
import type { Alarm } from '@cryopilot/protocol';
import type { TextKey } from '../../core/i18n/en';
import { I18n } from '../../core/i18n/i18n';
import { CommandSender } from '../../core/realtime/command-sender';
import { RealtimeState } from '../../core/realtime/realtime-state';
import { Session } from '../../core/session/session';
import { describeOutcome } from '../../shared/command-feedback';
import { ConfirmDialog } from '../../shared/confirm-dialog/confirm-dialog';
import { AlertSettingsPanel } from '../alarm-alert/alert-settings-panel';
import { PRIORITY_SHAPE } from '../../shared/priority';
import { alarmText } from '../../shared/service-text';

type AlarmAction = 'ack' | 'reset' | 'shelve' | 'unshelve';

/**
 * Alarms not in the normal state (ISA-18.2 states, severity colours): acknowledge with a
 * comment, reset latched alarms whose condition cleared, shelve (admins, never critical).
 * Shelved alarms are listed apart (ISA-18.2), with who shelved them, why, until when, and
 * Unshelve for whoever may acknowledge.
 * `readOnly` (the wall display): the list only, no action.
 */
@Component({
  selector: 'app-alarm-panel',
  imports: [ConfirmDialog, AlertSettingsPanel],
  templateUrl: './alarm-panel.html',
  styleUrl: './alarm-panel.css',
  host: { class: 'panel', role: 'region', '[attr.aria-label]': "i18n.t('alarms.title')" },
})
export class AlarmPanel {
  protected readonly i18n = inject(I18n);
  protected readonly state = inject(RealtimeState);
  private readonly session = inject(Session);
  private readonly commands = inject(CommandSender);
  private readonly dialog = viewChild.required(ConfirmDialog);

  readonly readOnly = input(false);
  protected readonly alarms = this.state.activeAlarms;
  protected readonly shapes = PRIORITY_SHAPE;
  protected readonly shelved = this.state.shelvedAlarms;
  protected readonly canUnshelve = computed(
    () => this.state.isLive() && this.session.may('alarm.unshelve'),
  );
  protected readonly canOperate = computed(
    () => this.state.isLive() && this.session.may('alarm.ack'),
  );
  protected readonly canShelve = computed(
    () => this.state.isLive() && this.session.may('alarm.shelve'),
  );
  /**
   * Why Acknowledge and Reset are disabled, as visible text under the list: a touch screen
   * never shows a tooltip, and a viewer must see that the page is not broken.
   */
  protected readonly whyNot = computed(() => {
    if (this.canOperate()) return '';
    if (!this.state.isLive()) return this.i18n.t('valve.why.notLive');
    return this.i18n.t('alarms.why.role', {
      role: this.i18n.t(`role.${this.session.role() ?? 'viewer'}` as TextKey),
    });
  });
  protected readonly anyActionable = computed(() =>
    this.alarms().some((a) => this.canAck(a) || this.canReset(a)),
  );
  protected readonly target = signal<{ alarm: Alarm; action: AlarmAction } | null>(null);
  protected readonly comment = signal('');
  protected readonly minutes = signal(60);
  protected readonly feedback = signal('');
  protected readonly dialogTitle = computed(() => {
    const target = this.target();
    if (!target) return '';
    const key = {
      ack: 'alarms.ackTitle',
      reset: 'alarms.resetTitle',
      shelve: 'alarms.shelveTitle',
      unshelve: 'alarms.unshelveTitle',
    }[target.action] as TextKey;
    return this.i18n.t(key, { id: alarmText(this.i18n, target.alarm) });
  });

  protected messageText(alarm: Alarm): string {
    return alarmText(this.i18n, alarm);
  }

  protected stateText(alarm: Alarm): string {
    return this.i18n.t(`alarms.state.${alarm.state}` as TextKey, {
      time: this.i18n.time(alarm.shelvedUntil),
    });
  }

  protected severityText(alarm: Alarm): string {
    return this.i18n.t(`alarms.severity.${alarm.severity}` as TextKey);
  }

  protected canAck(alarm: Alarm): boolean {
    return alarm.state === 'active-unacked' || alarm.state === 'cleared-unacked';
  }

  protected canReset(alarm: Alarm): boolean {
    return alarm.state === 'latched';
  }

  protected canShelveAlarm(alarm: Alarm): boolean {
    return alarm.severity !== 'critical' && alarm.state !== 'shelved' && alarm.state !== 'latched';
  }

  protected ask(alarm: Alarm, action: AlarmAction): void {
    this.target.set({ alarm, action });
    this.comment.set('');
    this.feedback.set('');
    this.dialog().open();
  }

  protected async run(): Promise<void> {
    const target = this.target();
    if (!target) return;
    const alarmId = target.alarm.id;
    const comment = this.comment().trim();
    const outcome = await this.send(target.action, alarmId, comment);
    this.feedback.set(describeOutcome(this.i18n, outcome));
    // A reset or an acknowledge may remove the button that opened the dialog.
    this.dialog().settleFocus();
  }

  private send(action: AlarmAction, alarmId: string, comment: string) {
    switch (action) {
      case 'ack':
        return this.commands.send('alarm.ack', comment ? { alarmId, comment } : { alarmId });
      case 'reset':
        return this.commands.send('alarm.reset', { alarmId });
      case 'shelve':
        return this.commands.send('alarm.shelve', { alarmId, minutes: this.minutes(), comment });
      case 'unshelve':
        return this.commands.send('alarm.unshelve', { alarmId });
    }
  }
}
