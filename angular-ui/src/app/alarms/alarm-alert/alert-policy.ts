import type { Alarm, Severity } from '@cryopilot/protocol';

/** What a new raise of each priority does in a browser that opted in (issue 11, ISA-18.2). */
export interface AlertKind {
  /** A system notification (only with the browser's permission and the user's opt-in). */
  readonly notify: boolean;
  /** `repeat`: a tone every few seconds until acknowledged or muted; `once`: one short tone. */
  readonly sound: 'repeat' | 'once' | 'none';
}

export const ALERT_BY_PRIORITY: Readonly<Record<Severity, AlertKind>> = {
  critical: { notify: true, sound: 'repeat' },
  warning: { notify: true, sound: 'once' },
  info: { notify: false, sound: 'none' },
};

/** An alarm occurrence: the same alarm raised again later is a new raise. */
export function raiseKey(alarm: Alarm): string {
  return `${alarm.id}@${alarm.activeSince ?? ''}`;
}

function isRaised(alarm: Alarm): boolean {
  return alarm.state === 'active-unacked';
}

/**
 * The raises to announce: alarms active and unacknowledged whose occurrence the page has not
 * seen yet. `seen` is every occurrence seen so far on this page (kept across reconnects): a
 * snapshot after a reconnect re-sends standing alarms, which are not new. Returns the
 * announcements and the new `seen`.
 */
export function newRaises(
  alarms: readonly Alarm[],
  seen: ReadonlySet<string>,
): { readonly fresh: Alarm[]; readonly seen: ReadonlySet<string> } {
  const fresh = alarms.filter((a) => isRaised(a) && !seen.has(raiseKey(a)));
  if (fresh.length === 0) return { fresh, seen };
  return { fresh, seen: new Set([...seen, ...fresh.map(raiseKey)]) };
}

/** Whether the repeating tone sounds: a critical alarm is active and unacknowledged. */
export function criticalTone(alarms: readonly Alarm[]): boolean {
  return alarms.some((a) => a.severity === 'critical' && isRaised(a));
}
