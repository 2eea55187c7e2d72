import { Component, computed, inject, input, signal, viewChild } from '@angular/core';
import type { Interlock, Mode, Severity } from '@cryopilot/protocol';
import { I18n } from '../../core/i18n/i18n';
import { CommandSender } from '../../core/realtime/command-sender';
import { RealtimeState } from '../../core/realtime/realtime-state';
import { Session } from '../../core/session/session';
import { describeOutcome } from '../../shared/command-feedback';
import { ConfirmDialog } from '../../shared/confirm-dialog/confirm-dialog';
import { PRIORITY_SHAPE, standingPriority } from '../../shared/priority';
import { interlockText } from '../../shared/service-text';
import { valveReasonText } from '../../shared/valve-reason-text';
import { DisabledReason, valveControlReasons } from './valve-rules';

/** The alarm behind an interlock whose id differs from it; `startup` has none (it is normal). */
const INTERLOCK_ALARM: Partial<Record<Interlock, string>> = { o2_unavailable: 'o2_sensor_fault' };

type PendingAction = { kind: 'open' } | { kind: 'close' } | { kind: 'mode'; mode: Mode };

/**
 * The fill valve: state, output, mode and the service's reason; open/close and auto/manual
 * with confirmation, each disabled with the reason when the role, an interlock or the
 * connection forbids it. `readOnly` (the wall display): the state only, no control at all.
 */
@Component({
  selector: 'app-valve-panel',
  imports: [ConfirmDialog],
  templateUrl: './valve-panel.html',
  styleUrl: './valve-panel.css',
  host: { class: 'panel', role: 'region', '[attr.aria-label]': "i18n.t('valve.title')" },
})
export class ValvePanel {
  protected readonly i18n = inject(I18n);
  protected readonly state = inject(RealtimeState);
  private readonly session = inject(Session);
  private readonly commands = inject(CommandSender);
  private readonly dialog = viewChild.required(ConfirmDialog);

  readonly readOnly = input(false);
  protected readonly valve = this.state.valve;
  protected readonly reasons = computed(() =>
    valveControlReasons(this.valve(), this.session, this.state.isLive()),
  );
  protected readonly pending = signal<PendingAction | null>(null);
  protected readonly busy = signal(false);
  protected readonly feedback = signal('');
  protected readonly confirmText = computed(() => {
    const action = this.pending();
    if (!action) return '';
    switch (action.kind) {
      case 'open':
        return this.i18n.t('valve.confirmOpen', {
          s: this.state.setpoints()?.manualOpenDefaultS ?? '?',
        });
      case 'close':
        return this.i18n.t('valve.confirmClose');
      case 'mode':
        return this.i18n.t('valve.confirmMode', {
          mode: this.i18n.t(action.mode === 'auto' ? 'valve.auto' : 'valve.manual'),
        });
    }
  });

  protected readonly shapes = PRIORITY_SHAPE;
  protected readonly whyText = valveReasonText;
  protected readonly interlockText = interlockText;

  /** An interlock is red or amber only through the alarm standing behind it (never startup). */
  protected interlockPriority(lock: Interlock): Severity | null {
    if (lock === 'startup') return null;
    return standingPriority(this.state.activeAlarms(), INTERLOCK_ALARM[lock] ?? lock);
  }

  protected reasonText(reason: DisabledReason): string {
    if (!reason) return '';
    // Interlocks arrive as codes: said in the page's language.
    const list = reason.params?.['list'];
    const params =
      reason.key === 'valve.why.interlock' && list
        ? {
            list: list
              .split(', ')
              .map((code) => interlockText(this.i18n, code))
              .join(', '),
          }
        : reason.params;
    return this.i18n.t(reason.key, params);
  }

  protected ask(action: PendingAction): void {
    this.pending.set(action);
    this.feedback.set('');
    this.dialog().open();
  }

  protected async run(): Promise<void> {
    const action = this.pending();
    if (!action) return;
    this.busy.set(true);
    const outcome =
      action.kind === 'mode'
        ? await this.commands.send('mode.set', { mode: action.mode })
        : await this.commands.send(action.kind === 'open' ? 'valve.open' : 'valve.close');
    this.busy.set(false);
    this.feedback.set(describeOutcome(this.i18n, outcome));
    // Opening disables Open (the valve is open now): focus must not fall to the page.
    this.dialog().settleFocus();
  }
}
