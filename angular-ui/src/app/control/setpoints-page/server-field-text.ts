import type { Setpoints } from '@cryopilot/protocol';
import type { I18n } from '../../core/i18n/i18n';
import { labelKey } from './setpoint-fields';

/**
 * The service's problem with one setpoint (`error.fields`), in the page's language. The
 * service words them in English from a few rules (`packages/protocol/src/setpoints.ts`); the
 * page knows those rules' sentences and names the other setpoint by its label. A sentence it
 * does not know is shown as it is: readable, never hidden.
 */
export function serverFieldText(i18n: I18n, message: string): string {
  const label = (key: string) =>
    i18n.has(labelKey(key as keyof Setpoints)) ? i18n.t(labelKey(key as keyof Setpoints)) : key;
  let match = /^must be > ([a-zA-Z0-9]+)$/.exec(message);
  if (match) return i18n.t('setpoints.err.above', { other: label(match[1]) });
  match = /^must be <= ([a-zA-Z0-9]+)$/.exec(message);
  if (match) return i18n.t('setpoints.err.atMost', { other: label(match[1]) });
  match = /^must be >= ([a-zA-Z0-9]+) \+ ([\d.]+) %$/.exec(message);
  if (match) {
    return i18n.t('setpoints.err.margin', {
      other: label(match[1]),
      n: i18n.number(Number(match[2]), 0),
    });
  }
  match = /^must be 0 \(stay in manual\) or >= (\d+) s$/.exec(message);
  if (match) return i18n.t('setpoints.err.autoReturn', { n: match[1] });
  return message;
}
