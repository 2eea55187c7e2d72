import type { AlarmEvent, FillEvent, TrendEvent } from '@cryopilot/protocol';
import type { StoredEvent } from './trend-point';

const ACTIVE = new Set(['active-unacked', 'active-acked']);

/**
 * The markers one control step adds: an alarm that became active (a raise or a re-raise,
 * not an acknowledgement or a shelving), a fill that started or ended.
 */
export function markersOf(
  alarmEvents: readonly AlarmEvent[],
  fillEvents: readonly FillEvent[],
): StoredEvent[] {
  const markers: StoredEvent[] = [];
  for (const { alarm, previousState, ts } of alarmEvents) {
    if (!ACTIVE.has(alarm.state) || ACTIVE.has(previousState)) continue;
    markers.push({ t: Date.parse(ts), e: 'alarm', a: alarm.id, s: alarm.severity });
  }
  for (const { event, fill } of fillEvents) {
    const at = event === 'started' ? fill.start : (fill.end ?? fill.start);
    markers.push({ t: Date.parse(at), e: event === 'started' ? 'fill-start' : 'fill-end' });
  }
  return markers.filter((m) => Number.isFinite(m.t));
}

/** A stored marker in the API's words. */
export function toTrendEvent(event: StoredEvent): TrendEvent {
  return {
    t: event.t,
    kind: event.e,
    ...(event.a !== undefined ? { alarmId: event.a } : {}),
    ...(event.s !== undefined ? { severity: event.s } : {}),
  };
}
