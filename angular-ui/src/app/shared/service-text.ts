import { ApiError } from '../core/api/control-api';
import type { TextKey } from '../core/i18n/en';
import type { I18n } from '../core/i18n/i18n';

/**
 * The service still words the valve's reason and its command answers in English, with codes
 * inside ("inhibited: o2_unavailable"). Until it sends codes and parameters (issue 11,
 * "Complete French"), the page recognises the phrases it knows, says them in the page's
 * language with numbers in its locale, and shows anything else unchanged: an unknown phrase
 * stays readable, never hidden.
 *
 * Each rule: a pattern on the whole phrase, the text key, and what each group is (a number,
 * a list of interlock codes, or a mode).
 */
type Group = 'num' | 'interlocks' | 'mode';
interface Rule {
  readonly pattern: RegExp;
  readonly key: TextKey;
  readonly groups?: readonly Group[];
}

const NUM = '(-?\\d+(?:\\.\\d+)?)';
const LIST = '([a-z][a-z0-9_]*(?:, [a-z][a-z0-9_]*)*)';
const rule = (source: string, key: TextKey, groups?: Group[]): Rule => ({
  pattern: new RegExp(`^${source}$`),
  key,
  groups,
});

const RULES: readonly Rule[] = [
  // The valve's reason (valve-controller.ts).
  rule('starting: valve in safe state', 'svc.starting'),
  rule(`inhibited: ${LIST}`, 'svc.inhibited', ['interlocks']),
  rule('inhibited: no level', 'svc.noLevel'),
  rule(`closed by interlock: ${LIST}`, 'svc.closedByInterlock', ['interlocks']),
  rule(`fill complete: level ${NUM} % ≥ ${NUM} %`, 'svc.fillComplete', ['num', 'num']),
  rule(`fill timeout: no ${NUM} % after ${NUM} s`, 'svc.fillTimeout', ['num', 'num']),
  rule(`filling: level ${NUM} % → ${NUM} %`, 'svc.filling', ['num', 'num']),
  rule(`filling: level ${NUM} % < ${NUM} %`, 'svc.fillStart', ['num', 'num']),
  rule(`idle: level ${NUM} % ≥ ${NUM} %`, 'svc.idle', ['num', 'num']),
  rule(`waiting: minimum off time, ${NUM} s left`, 'svc.minOff', ['num']),
  rule('manual: closed', 'svc.manualClosed'),
  rule('manual: closed by operator', 'svc.manualClosedByOperator'),
  rule(`manual open: ${NUM} s left`, 'svc.manualOpen', ['num']),
  rule(`manual open ended by interlock: ${LIST}`, 'svc.manualEndedByInterlock', ['interlocks']),
  rule('manual open ended: time elapsed', 'svc.manualEnded'),
  rule('manual open cancelled: valve write failed', 'svc.manualWriteFailed'),
  // Command answers.
  rule('valve closed', 'svc.valveClosed'),
  rule('valve closed; mode switched to manual', 'svc.valveClosedManual'),
  rule(`valve open for ${NUM} s`, 'svc.valveOpenFor', ['num']),
  rule('mode set to (auto|manual)', 'svc.modeSet', ['mode']),
  rule('mode already (auto|manual)', 'svc.modeAlready', ['mode']),
  rule('setpoints updated', 'svc.setpointsUpdated'),
  rule('valve.open needs manual mode', 'svc.needsManual'),
  rule(`interlock active: ${LIST}`, 'svc.interlockActive', ['interlocks']),
];

/** `text` from the service in the page's language, or unchanged when it is not known. */
export function serviceText(i18n: I18n, text: string): string {
  for (const { pattern, key, groups = [] } of RULES) {
    const match = pattern.exec(text);
    if (!match) continue;
    const params: Record<string, string> = {};
    groups.forEach((group, i) => {
      params[`p${i}`] = groupText(i18n, group, match[i + 1]);
    });
    return i18n.t(key, params);
  }
  return text;
}

function groupText(i18n: I18n, group: Group, raw: string): string {
  switch (group) {
    case 'num': {
      const decimals = raw.split('.')[1]?.length ?? 0;
      return i18n.number(Number(raw), decimals);
    }
    case 'interlocks':
      return raw
        .split(', ')
        .map((code) => interlockText(i18n, code))
        .join(', ');
    case 'mode':
      return i18n.t(raw === 'auto' ? 'valve.auto' : 'valve.manual');
  }
}

/** An interlock code in words; an unknown code (a newer service) is shown as it is. */
export function interlockText(i18n: I18n, code: string): string {
  const key = `interlock.${code}`;
  return i18n.has(key) ? i18n.t(key) : code;
}

/** An alarm's message in the page's language, by its id; the service's words for a new id. */
export function alarmText(i18n: I18n, alarm: { id: string; message: string }): string {
  const key = `alarm.${alarm.id}`;
  return i18n.has(key) ? i18n.t(key) : alarm.message;
}

/**
 * Why an HTTP request of the page failed, in the page's language (here rather than in a file
 * of its own: every page that loads over HTTP uses it, and a module of its own became one more
 * chunk, one more request, on a first visit). The browser's own words
 * ("Failed to fetch", "NetworkError when attempting to fetch resource.") and Nest's ("Forbidden
 * resource") are English and say nothing to an operator; the status says what happened.
 */
export function requestFailureText(i18n: I18n, error: unknown): string {
  if (!(error instanceof ApiError)) return i18n.t('request.unreachable');
  switch (error.status) {
    case 401:
      return i18n.t('request.signedOut');
    case 403:
      return i18n.t('request.forbidden');
    case 429:
      return i18n.t('request.rateLimited');
    default:
      // 5xx (or a proxy's 502 while the service restarts): what failed is not the request.
      if (error.status >= 500) return i18n.t('request.serverError', { status: error.status });
      // A refusal with the service's reason (e.g. a validation message).
      return serviceText(i18n, error.message);
  }
}
