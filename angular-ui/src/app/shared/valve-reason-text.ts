import type { ValveReasonCode, ValveReasonParams, ValveState } from '@cryopilot/protocol';
import type { TextKey } from '../core/i18n/en';
import type { I18n } from '../core/i18n/i18n';
import { interlockText, serviceText } from './service-text';

/**
 * Each reason code's sentence and the parameters it fills in, in order ({p0}, {p1}). The
 * service sends the code with its numbers (`reasonCode`, `reasonParams`); the page says it in
 * its own language with numbers in its locale.
 */
const SENTENCES: Record<ValveReasonCode, { key: TextKey; params?: (keyof ValveReasonParams)[] }> = {
  starting: { key: 'svc.starting' },
  inhibited: { key: 'svc.inhibited', params: ['interlocks'] },
  no_level: { key: 'svc.noLevel' },
  closed_by_interlock: { key: 'svc.closedByInterlock', params: ['interlocks'] },
  fill_complete: { key: 'svc.fillComplete', params: ['levelPct', 'fillStopPct'] },
  fill_timeout: { key: 'svc.fillTimeout', params: ['fillStopPct', 'maxFillS'] },
  filling: { key: 'svc.filling', params: ['levelPct', 'fillStopPct'] },
  fill_start: { key: 'svc.fillStart', params: ['levelPct', 'fillStartPct'] },
  idle: { key: 'svc.idle', params: ['levelPct', 'fillStartPct'] },
  min_off: { key: 'svc.minOff', params: ['leftS'] },
  manual_closed: { key: 'svc.manualClosed' },
  manual_closed_by_operator: { key: 'svc.manualClosedByOperator' },
  manual_open: { key: 'svc.manualOpen', params: ['leftS'] },
  manual_ended_by_interlock: { key: 'svc.manualEndedByInterlock', params: ['interlocks'] },
  manual_ended: { key: 'svc.manualEnded' },
  manual_write_failed: { key: 'svc.manualWriteFailed' },
};

/**
 * Why the valve is as it is, in the page's language. A code this page does not know (a newer
 * service) falls back to the service's English sentence, recognised where it can be.
 */
export function valveReasonText(
  i18n: I18n,
  valve: Pick<ValveState, 'reason' | 'reasonCode' | 'reasonParams'>,
): string {
  const sentence = (SENTENCES as Partial<typeof SENTENCES>)[valve.reasonCode];
  if (!sentence) return serviceText(i18n, valve.reason);
  const params: Record<string, string> = {};
  (sentence.params ?? []).forEach((name, i) => {
    params[`p${i}`] = paramText(i18n, name, valve.reasonParams[name]);
  });
  return i18n.t(sentence.key, params);
}

function paramText(i18n: I18n, name: keyof ValveReasonParams, value: unknown): string {
  if (Array.isArray(value))
    return value.map((code) => interlockText(i18n, String(code))).join(', ');
  if (typeof value !== 'number') return '—';
  // The level to 0.1 % as measured; setpoints and seconds as they are set.
  const decimals = name === 'levelPct' ? 1 : Number.isInteger(value) ? 0 : 1;
  return i18n.number(value, decimals);
}
