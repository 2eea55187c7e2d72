import type { Instant } from '../clock/clock';
import { AlarmBook } from './alarm-book';
import { AlarmDefinition } from './alarm-definition';

const at = (s: number): Instant => ({ mono: s * 1000, wall: Date.UTC(2026, 0, 1) + s * 1000 });
const def = (over: Partial<AlarmDefinition> = {}): AlarmDefinition => ({
  id: 'a',
  severity: 'warning',
  message: 'test alarm',
  latching: false,
  onDelayS: 0,
  offDelayS: 0,
  ...over,
});

/** Runs a sequence of (time, condition) and returns the state after each. */
function states(
  d: AlarmDefinition,
  steps: Array<[number, boolean]>,
  book = new AlarmBook([d], at(0)),
) {
  return steps.map(([t, c]) => {
    book.update({ [d.id]: c }, at(t));
    return book.get(d.id)!.state;
  });
}

describe('AlarmBook ISA-18.2 transitions', () => {
  it('normal → active-unacked → cleared-unacked → normal (ack after clear)', () => {
    const book = new AlarmBook([def()], at(0));
    expect(
      states(
        def(),
        [
          [1, true],
          [2, false],
        ],
        book,
      ),
    ).toEqual(['active-unacked', 'cleared-unacked']);
    expect(book.ack('a', 'ann', 'seen', at(3)).ok).toBe(true);
    expect(book.get('a')).toMatchObject({ state: 'normal', ackedBy: 'ann', ackComment: 'seen' });
  });

  it('active-unacked → active-acked → normal (ack while active)', () => {
    const book = new AlarmBook([def()], at(0));
    book.update({ a: true }, at(1));
    book.ack('a', 'ann', undefined, at(2));
    expect(book.get('a')!.state).toBe('active-acked');
    book.update({ a: false }, at(3));
    expect(book.get('a')!.state).toBe('normal');
  });

  it('re-activation while cleared-unacked is unacked again', () => {
    expect(
      states(def(), [
        [1, true],
        [2, false],
        [3, true],
      ]),
    ).toEqual(['active-unacked', 'cleared-unacked', 'active-unacked']);
  });

  it('honours the on-delay: a short excursion never raises', () => {
    const d = def({ onDelayS: 10 });
    expect(
      states(d, [
        [0, true],
        [9, true],
        [9.5, false],
        [10, true],
        [19.9, true],
        [20, true],
      ]),
    ).toEqual(['normal', 'normal', 'normal', 'normal', 'normal', 'active-unacked']);
  });

  it('honours the off-delay', () => {
    const d = def({ offDelayS: 5 });
    expect(
      states(d, [
        [0, true],
        [1, false],
        [5.9, false],
        [6, false],
      ]),
    ).toEqual(['active-unacked', 'active-unacked', 'active-unacked', 'cleared-unacked']);
  });

  it('refuses to acknowledge an alarm with nothing to acknowledge', () => {
    const book = new AlarmBook([def()], at(0));
    expect(book.ack('a', 'ann', undefined, at(1))).toMatchObject({ ok: false, code: 'refused' });
    expect(book.ack('zz', 'ann', undefined, at(1))).toMatchObject({
      ok: false,
      code: 'invalid_args',
    });
  });

  it('emits one event per state change with the previous state', () => {
    const book = new AlarmBook([def()], at(0));
    const first = book.update({ a: true }, at(1));
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ previousState: 'normal', alarm: { state: 'active-unacked' } });
    expect(book.update({ a: true }, at(2))).toHaveLength(0);
  });
});

describe('AlarmBook latching', () => {
  const latching = def({ latching: true, severity: 'critical' });

  it('stays latched after the condition clears until reset', () => {
    const book = new AlarmBook([latching], at(0));
    book.update({ a: true }, at(1));
    book.ack('a', 'ann', undefined, at(2));
    book.update({ a: false }, at(3));
    expect(book.get('a')!.state).toBe('latched');
    expect(book.isRaisedOrLatched('a')).toBe(true);
    expect(book.reset('a', 'ann', at(4)).ok).toBe(true);
    expect(book.get('a')!.state).toBe('normal');
    expect(book.isRaisedOrLatched('a')).toBe(false);
  });

  it('refuses reset while the condition is present, and for non-latched alarms', () => {
    const book = new AlarmBook([latching, def({ id: 'b' })], at(0));
    book.update({ a: true, b: true }, at(1));
    expect(book.reset('a', 'ann', at(2))).toMatchObject({ ok: false, code: 'refused' });
    expect(book.reset('b', 'ann', at(2))).toMatchObject({ ok: false, code: 'refused' });
  });

  it('a reset of an unacknowledged latched alarm acknowledges it', () => {
    const book = new AlarmBook([latching], at(0));
    book.update({ a: true }, at(1));
    book.update({ a: false }, at(2));
    expect(book.get('a')!.state).toBe('latched');
    book.reset('a', 'ann', at(3));
    expect(book.get('a')).toMatchObject({ state: 'normal', acked: true, ackedBy: 'ann' });
  });

  it('a one-tick pulse condition latches', () => {
    expect(
      states(latching, [
        [1, true],
        [2, false],
      ]),
    ).toEqual(['active-unacked', 'latched']);
  });
});

describe('AlarmBook latch persistence', () => {
  it('lists latched alarms and restores them as latched and unacknowledged', () => {
    const latching = def({ id: 'l', latching: true });
    const book = new AlarmBook([latching, def({ id: 'n' })], at(0));
    book.update({ l: true, n: true }, at(1));
    book.update({ l: false, n: false }, at(2));
    expect(book.latchedIds()).toEqual(['l']);
    const restarted = new AlarmBook([latching, def({ id: 'n' })], at(10));
    restarted.restoreLatched(['l', 'n', 'unknown'], at(10));
    expect(restarted.get('l')).toMatchObject({ state: 'latched', acked: false });
    expect(restarted.get('n')!.state).toBe('normal');
    expect(restarted.isRaisedOrLatched('l')).toBe(true);
    expect(restarted.reset('l', 'ann', at(11)).ok).toBe(true);
  });
});

describe('AlarmBook shelving', () => {
  it('shelves a warning until expiry, then annunciates again if still active', () => {
    const book = new AlarmBook([def()], at(0));
    book.update({ a: true }, at(1));
    const r = book.shelve('a', 5, 'admin', 'sensor maintenance', at(2));
    expect(r.ok).toBe(true);
    expect(book.get('a')).toMatchObject({ state: 'shelved', shelvedBy: 'admin' });
    book.update({ a: true }, at(2 + 299));
    expect(book.get('a')!.state).toBe('shelved');
    const events = book.update({ a: true }, at(2 + 300));
    expect(events[0]).toMatchObject({
      previousState: 'shelved',
      alarm: { state: 'active-unacked' },
    });
  });

  it('an expired shelf of a cleared alarm returns to normal', () => {
    const book = new AlarmBook([def()], at(0));
    book.update({ a: true }, at(1));
    book.shelve('a', 1, 'admin', 'known', at(2));
    book.update({ a: false }, at(30));
    book.update({ a: false }, at(62));
    expect(book.get('a')!.state).toBe('normal');
  });

  it('never shelves a critical alarm', () => {
    const book = new AlarmBook([def({ severity: 'critical' })], at(0));
    book.update({ a: true }, at(1));
    expect(book.shelve('a', 5, 'admin', 'x', at(2))).toMatchObject({ ok: false, code: 'refused' });
    expect(book.get('a')!.state).toBe('active-unacked');
  });
});

describe('AlarmBook unshelve (alarm.unshelve)', () => {
  it('brings a still-active alarm back before expiry, annunciated again', () => {
    const book = new AlarmBook([def()], at(0));
    book.update({ a: true }, at(1));
    book.shelve('a', 60, 'admin', 'known', at(2));
    const r = book.unshelveNow('a', at(10));
    expect(r).toMatchObject({
      ok: true,
      alarm: { state: 'active-unacked', shelvedUntil: null, shelvedBy: null, acked: false },
    });
    expect(book.get('a')!.lastChange).toBe(new Date(at(10).wall).toISOString());
    // The old shelf no longer expires later: nothing happens at its end.
    expect(book.update({ a: true }, at(2 + 3600))).toEqual([]);
  });

  it('a cleared shelved alarm returns to normal', () => {
    const book = new AlarmBook([def()], at(0));
    book.update({ a: true }, at(1));
    book.shelve('a', 60, 'admin', 'known', at(2));
    book.update({ a: false }, at(30));
    expect(book.unshelveNow('a', at(40))).toMatchObject({ ok: true, alarm: { state: 'normal' } });
  });

  it('refuses an alarm that is not shelved, a critical one, an unknown one', () => {
    const book = new AlarmBook([def(), def({ id: 'c', severity: 'critical' })], at(0));
    book.update({ a: true, c: true }, at(1));
    expect(book.unshelveNow('a', at(2))).toEqual({
      ok: false,
      code: 'refused',
      message: 'a is not shelved',
    });
    expect(book.unshelveNow('c', at(2))).toEqual({
      ok: false,
      code: 'refused',
      message: 'c is critical and is never shelved',
    });
    expect(book.unshelveNow('nope', at(2))).toEqual({
      ok: false,
      code: 'invalid_args',
      message: 'unknown alarm: nope',
    });
    expect(book.get('a')!.state).toBe('active-unacked');
  });
});

describe('AlarmBook listing', () => {
  it('lists alarms not in normal, critical first', () => {
    const book = new AlarmBook([def({ id: 'w' }), def({ id: 'c', severity: 'critical' })], at(0));
    book.update({ w: true, c: true }, at(1));
    expect(book.listNotNormal().map((a) => a.id)).toEqual(['c', 'w']);
  });
});

describe('AlarmBook operator actions: refusals say why, unknown ids are invalid', () => {
  const latching = def({ latching: true, severity: 'critical' });

  it('refusals carry their reason', () => {
    const book = new AlarmBook([latching, def({ id: 'b' })], at(0));
    expect(book.ack('a', 'ann', undefined, at(1))).toEqual({
      ok: false,
      code: 'refused',
      message: 'a has nothing to acknowledge',
    });
    expect(book.reset('b', 'ann', at(1))).toEqual({
      ok: false,
      code: 'refused',
      message: 'b is not latched',
    });
    book.update({ a: true }, at(2));
    expect(book.reset('a', 'ann', at(3))).toEqual({
      ok: false,
      code: 'refused',
      message: 'a: the condition is still present',
    });
    expect(book.shelve('a', 5, 'ann', 'x', at(3))).toEqual({
      ok: false,
      code: 'refused',
      message: 'a is critical and cannot be shelved',
    });
  });

  it.each(['ack', 'reset', 'shelve'] as const)(
    '%s of an unknown alarm is invalid_args',
    (action) => {
      const book = new AlarmBook([def()], at(0));
      const result =
        action === 'ack'
          ? book.ack('nope', 'ann', undefined, at(1))
          : action === 'reset'
            ? book.reset('nope', 'ann', at(1))
            : book.shelve('nope', 5, 'ann', 'x', at(1));
      expect(result).toEqual({ ok: false, code: 'invalid_args', message: 'unknown alarm: nope' });
    },
  );

  it('an unknown alarm is neither raised nor latched', () => {
    expect(new AlarmBook([def()], at(0)).isRaisedOrLatched('nope')).toBe(false);
  });

  it('an acknowledged active alarm stays acknowledged while its condition holds', () => {
    const book = new AlarmBook([def()], at(0));
    book.update({ a: true }, at(1));
    book.ack('a', 'ann', 'seen', at(2));
    book.update({ a: true }, at(3));
    book.update({ a: true }, at(4));
    expect(book.get('a')).toMatchObject({
      state: 'active-acked',
      ackedBy: 'ann',
      ackComment: 'seen',
      activeSince: new Date(at(1).wall).toISOString(),
    });
  });

  it('a reset keeps the name of whoever acknowledged the trip earlier', () => {
    const book = new AlarmBook([latching], at(0));
    book.update({ a: true }, at(1));
    book.ack('a', 'ann', undefined, at(2));
    book.update({ a: false }, at(3));
    const reset = book.reset('a', 'bob', at(4));
    expect(reset).toMatchObject({ ok: true, alarm: { state: 'normal', ackedBy: 'ann' } });
    expect(book.get('a')?.lastChange).toBe(new Date(at(4).wall).toISOString());
  });
});

describe('AlarmBook times and listing', () => {
  it('an alarm never raised has no activeSince and no shelf', () => {
    expect(new AlarmBook([def()], at(0)).get('a')).toMatchObject({
      state: 'normal',
      activeSince: null,
      shelvedUntil: null,
      shelvedBy: null,
      lastChange: new Date(at(0).wall).toISOString(),
    });
  });

  it('a shelf ends `minutes` later, shown in wall time', () => {
    const book = new AlarmBook([def()], at(0));
    book.update({ a: true }, at(1));
    const shelved = book.shelve('a', 5, 'ann', 'x', at(10));
    expect(shelved).toMatchObject({
      ok: true,
      alarm: { shelvedUntil: new Date(at(10 + 300).wall).toISOString() },
    });
  });

  it('listNotNormal leaves out alarms in the normal state', () => {
    const book = new AlarmBook([def({ id: 'x' }), def({ id: 'y' })], at(0));
    book.update({ x: true, y: false }, at(1));
    expect(book.listNotNormal().map((a) => a.id)).toEqual(['x']);
    expect(book.list().map((a) => a.id)).toEqual(['x', 'y']);
  });

  it('activeMap says which alarms are active (the deadband memory)', () => {
    const book = new AlarmBook([def({ id: 'x' }), def({ id: 'y', onDelayS: 60 })], at(0));
    book.update({ x: true, y: true }, at(1));
    expect(book.activeMap()).toEqual({ x: true, y: false });
  });
});

describe('AlarmBook redefine (setpoints changed)', () => {
  it('applies a new on-delay to a pending condition, keeping every state', () => {
    const book = new AlarmBook([def({ onDelayS: 60 }), def({ id: 'b' })], at(0));
    book.update({ a: true, b: true }, at(1));
    book.redefine([def({ onDelayS: 5 }), def({ id: 'unknown' })]);
    book.update({ a: true, b: true }, at(5));
    expect(book.get('a')!.state).toBe('normal');
    book.update({ a: true, b: true }, at(6));
    expect(book.get('a')!.state).toBe('active-unacked');
    expect(book.get('b')!.state).toBe('active-unacked');
    expect(book.get('unknown')).toBeUndefined();
  });
});
