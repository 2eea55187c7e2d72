import type { Alarm } from '@cryopilot/protocol';
import { alarm } from '../../core/realtime/testing/fake-socket';
import { ALERT_BY_PRIORITY, criticalTone, newRaises, raiseKey } from './alert-policy';

const at = (id: string, over: Partial<Alarm> = {}) =>
  alarm({ id, activeSince: '2026-11-30T01:00:00.000Z', ...over });

describe('alerts by priority (issue 11)', () => {
  it('critical: notification and a repeating tone; warning: one tone; info: nothing', () => {
    expect(ALERT_BY_PRIORITY.critical).toEqual({ notify: true, sound: 'repeat' });
    expect(ALERT_BY_PRIORITY.warning).toEqual({ notify: true, sound: 'once' });
    expect(ALERT_BY_PRIORITY.info).toEqual({ notify: false, sound: 'none' });
  });

  it('announces each raise once: not again when a reconnect re-sends it', () => {
    const first = newRaises([at('o2_low_low', { severity: 'critical' })], new Set());
    expect(first.fresh.map((a) => a.id)).toEqual(['o2_low_low']);
    // The snapshot after a reconnect: the same occurrence, nothing to announce.
    const again = newRaises([at('o2_low_low', { severity: 'critical' })], first.seen);
    expect(again.fresh).toEqual([]);
    expect(again.seen).toBe(first.seen);
  });

  it('a later raise of the same alarm is new; acknowledged, cleared or shelved ones are not', () => {
    const seen = new Set([raiseKey(at('o2_low'))]);
    const later = at('o2_low', { activeSince: '2026-11-30T02:00:00.000Z' });
    expect(newRaises([later], seen).fresh).toEqual([later]);
    const quiet = [
      at('a', { state: 'active-acked' }),
      at('b', { state: 'cleared-unacked' }),
      at('c', { state: 'shelved' }),
      at('d', { state: 'latched' }),
    ];
    expect(newRaises(quiet, new Set()).fresh).toEqual([]);
  });

  it('the repeating tone sounds while a critical alarm is unacknowledged, not after', () => {
    expect(criticalTone([at('o2_low_low', { severity: 'critical' })])).toBe(true);
    expect(criticalTone([at('o2_low_low', { severity: 'critical', state: 'active-acked' })])).toBe(
      false,
    );
    expect(criticalTone([at('o2_low')])).toBe(false);
  });
});
