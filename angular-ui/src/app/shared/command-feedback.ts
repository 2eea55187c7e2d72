import type { CommandOutcome } from '../core/realtime/command-sender';
import type { I18n } from '../core/i18n/i18n';
import { serviceText } from './service-text';

/** One line telling the operator what became of a command. */
export function describeOutcome(i18n: I18n, outcome: CommandOutcome): string {
  if (outcome.ok) {
    const message = (outcome.result as { message?: unknown } | null)?.message;
    // Acknowledge, reset and shelve answer with the alarm only: "Done.", not "Done: ok".
    return typeof message === 'string'
      ? i18n.t('valve.sent', { message: serviceText(i18n, message) })
      : i18n.t('common.done');
  }
  const { code, message } = outcome.error;
  switch (code) {
    case 'not_connected':
    case 'connection_lost':
    case 'timeout':
    case 'storage_full':
      return i18n.t(`error.${code}`);
    case 'hardware_error':
      return i18n.t('error.hardware_error', { message });
    default:
      return i18n.t('error.generic', { message: serviceText(i18n, message) });
  }
}
