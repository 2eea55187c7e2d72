import type { Alarm, Severity } from '@cryopilot/protocol';
import fc from 'fast-check';
import { AlarmBook } from '../alarms/alarm-book';
import type { AlarmDefinition } from '../alarms/alarm-definition';
import type { Delivery } from './notification-event';
import { NotificationPlanner } from './notification-planner';

/*
 * The planner against the real alarm book over random histories: conditions coming and going,
 * acknowledgements, shelving, resets of latches and time passing, each followed by a look at
 * the book (as the service looks after every tick with a transition).
 */

const def = (id: string, severity: Severity, latching = false): AlarmDefinition => ({
  id,
  severity,
  message: `${id} message`,
  latching,
  onDelayS: 0,
  offDelayS: 0,
});
const DEFINITIONS = [
  def('crit_a', 'critical'),
  def('crit_latch', 'critical', true),
  def('warn_a', 'warning'),
  def('info_a', 'info'),
];
const IDS = DEFINITIONS.map((d) => d.id);
const REPEAT_MS = 60_000;
const ESCALATE_AFTER = 2;

type Step =
  | { type: 'condition'; id: string; on: boolean }
  | { type: 'ack' | 'shelve' | 'reset'; id: string }
  | { type: 'advance'; ms: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    type: fc.constant('condition' as const),
    id: fc.constantFrom(...IDS),
    on: fc.boolean(),
  }),
  fc.record({
    type: fc.constantFrom('ack' as const, 'shelve' as const, 'reset' as const),
    id: fc.constantFrom(...IDS),
  }),
  fc.record({
    type: fc.constant('advance' as const),
    ms: fc.integer({ min: 1, max: 3 * REPEAT_MS }),
  }),
);

interface Observation {
  readonly mono: number;
  readonly before: Map<string, Alarm>;
  readonly after: Map<string, Alarm>;
  readonly deliveries: Delivery[];
}

/** Runs `steps` and returns every look at the book with what the planner decided. */
function run(steps: readonly Step[], quiet: boolean): Observation[] {
  let mono = 0;
  const wall = Date.UTC(2026, 0, 1);
  const now = () => ({ mono, wall: wall + mono });
  const book = new AlarmBook(DEFINITIONS, now());
  const planner = new NotificationPlanner({
    routing: {
      channels: [
        {
          name: 'all',
          priorities: ['critical', 'warning', 'info'],
          events: ['raised', 'cleared', 'acknowledged'],
        },
        { name: 'critical_only', priorities: ['critical'], events: ['raised'] },
        { name: 'escalation', priorities: [], events: ['raised'] },
      ],
      escalationChannels: ['escalation'],
    },
    repeat: { everyMs: REPEAT_MS, escalateAfter: ESCALATE_AFTER },
    isQuiet: () => quiet,
  });
  const conditions: Record<string, boolean> = {};
  planner.start(book.list(), now());
  let before = new Map(book.list().map((a) => [a.id, a]));
  const observations: Observation[] = [];
  for (const step of steps) {
    if (step.type === 'condition') conditions[step.id] = step.on;
    else if (step.type === 'ack') book.ack(step.id, 'ann', undefined, now());
    else if (step.type === 'shelve') book.shelve(step.id, 5, 'bob', 'maintenance', now());
    else if (step.type === 'reset') book.reset(step.id, 'ann', now());
    else if (step.type === 'advance') mono += step.ms;
    book.update(conditions, now());
    const alarms = book.list();
    const deliveries = planner.next(alarms, now());
    const after = new Map(alarms.map((a) => [a.id, a]));
    observations.push({ mono, before, after, deliveries });
    before = after;
  }
  return observations;
}

const raisedNow = (a: Alarm | undefined) => Boolean(a && a.active && !a.acked);
const historyArb = fc.array(stepArb, { minLength: 1, maxLength: 80 });

describe('NotificationPlanner over random alarm histories (property-based)', () => {
  it('never silences a critical alarm: in quiet hours every raise still reaches its channels', () => {
    fc.assert(
      fc.property(historyArb, (steps) => {
        for (const o of run(steps, true)) {
          for (const id of ['crit_a', 'crit_latch']) {
            const raised = raisedNow(o.after.get(id)) && !raisedNow(o.before.get(id));
            const sentTo = o.deliveries
              .filter((d) => d.event.kind === 'raised' && d.event.alarm?.id === id)
              .map((d) => d.channel)
              .sort();
            expect(sentTo).toEqual(raised ? ['all', 'critical_only'] : []);
          }
          // Quiet hours hold back everything else.
          expect(o.deliveries.every((d) => d.event.alarm?.severity === 'critical')).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('sends each transition once per channel: one raise, one clear, one acknowledgement', () => {
    fc.assert(
      fc.property(historyArb, (steps) => {
        for (const o of run(steps, false)) {
          const keys = o.deliveries.map((d) => `${d.channel}/${d.event.alarm?.id}/${d.event.kind}`);
          expect(new Set(keys).size).toBe(keys.length);
          for (const id of IDS) {
            const [b, a] = [o.before.get(id)!, o.after.get(id)!];
            const toAll = (kind: string) =>
              o.deliveries.filter(
                (d) => d.channel === 'all' && d.event.alarm?.id === id && d.event.kind === kind,
              ).length;
            expect(toAll('raised')).toBe(raisedNow(a) && !raisedNow(b) ? 1 : 0);
            expect(toAll('cleared')).toBe(b.active && !a.active ? 1 : 0);
            expect(toAll('acknowledged')).toBe(!b.acked && a.acked ? 1 : 0);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('repeats a critical alarm every period while unanswered, and stops at ack or clear', () => {
    fc.assert(
      fc.property(historyArb, fc.boolean(), (steps, quiet) => {
        /** When each alarm was last announced (raise or repeat), while it waits for an answer. */
        const lastNotified = new Map<string, number>();
        for (const o of run(steps, quiet)) {
          for (const id of ['crit_a', 'crit_latch']) {
            const alarm = o.after.get(id)!;
            const repeats = o.deliveries.filter(
              (d) =>
                d.channel === 'critical_only' &&
                d.event.alarm?.id === id &&
                d.event.kind === 'repeat',
            );
            const raised = o.deliveries.some(
              (d) =>
                d.channel === 'critical_only' &&
                d.event.alarm?.id === id &&
                d.event.kind === 'raised',
            );
            if (!raisedNow(alarm)) {
              // Acknowledged or cleared (or shelved): never a reminder.
              expect(repeats).toHaveLength(0);
              lastNotified.delete(id);
              continue;
            }
            if (raised) {
              expect(repeats).toHaveLength(0);
              lastNotified.set(id, o.mono);
              continue;
            }
            const since = lastNotified.get(id)!;
            const due = o.mono - since >= REPEAT_MS;
            expect(repeats).toHaveLength(due ? 1 : 0);
            if (due) lastNotified.set(id, o.mono);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('escalates only repeats beyond escalation.afterRepeats, numbered from 1', () => {
    fc.assert(
      fc.property(historyArb, (steps) => {
        for (const o of run(steps, false)) {
          for (const d of o.deliveries) {
            if (d.channel === 'escalation') {
              expect(d.event.kind).toBe('repeat');
              expect(d.event.repeat).toBeGreaterThan(ESCALATE_AFTER);
            }
            if (d.event.kind === 'repeat') expect(d.event.repeat).toBeGreaterThanOrEqual(1);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('NotificationPlanner, examples', () => {
  it('does not announce again what was raised before a restart, but keeps reminding', () => {
    let mono = 0;
    const now = () => ({ mono, wall: Date.UTC(2026, 0, 1) + mono });
    const book = new AlarmBook(DEFINITIONS, now());
    book.update({ crit_a: true }, now());
    const planner = new NotificationPlanner({
      routing: {
        channels: [{ name: 'all', priorities: ['critical'], events: ['raised'] }],
        escalationChannels: [],
      },
      repeat: { everyMs: REPEAT_MS, escalateAfter: null },
      isQuiet: () => false,
    });
    planner.start(book.list(), now());
    expect(planner.next(book.list(), now())).toEqual([]);
    mono += REPEAT_MS;
    const [reminder] = planner.next(book.list(), now());
    expect(reminder.event).toMatchObject({ kind: 'repeat', repeat: 1, alarm: { id: 'crit_a' } });
  });

  it('escalates the repeats after escalation.afterRepeats to the escalation channels', () => {
    let mono = 0;
    const now = () => ({ mono, wall: Date.UTC(2026, 0, 1) + mono });
    const book = new AlarmBook(DEFINITIONS, now());
    const planner = new NotificationPlanner({
      routing: {
        channels: [
          { name: 'mail', priorities: ['critical'], events: ['raised'] },
          { name: 'phone', priorities: [], events: ['raised'] },
        ],
        escalationChannels: ['phone'],
      },
      repeat: { everyMs: REPEAT_MS, escalateAfter: 2 },
      isQuiet: () => false,
    });
    planner.start(book.list(), now());
    book.update({ crit_a: true }, now());
    const sent: string[] = planner.next(book.list(), now()).map((d) => `${d.channel}:raised`);
    for (let i = 0; i < 3; i++) {
      mono += REPEAT_MS;
      sent.push(...planner.next(book.list(), now()).map((d) => `${d.channel}:${d.event.repeat}`));
    }
    expect(sent).toEqual(['mail:raised', 'mail:1', 'mail:2', 'mail:3', 'phone:3']);
    book.ack('crit_a', 'ann', undefined, now());
    mono += REPEAT_MS;
    expect(planner.next(book.list(), now()).map((d) => d.event.kind)).toEqual([]);
  });

  it('sends no reminder with repeatCriticalS 0', () => {
    let mono = 0;
    const now = () => ({ mono, wall: Date.UTC(2026, 0, 1) + mono });
    const book = new AlarmBook(DEFINITIONS, now());
    const planner = new NotificationPlanner({
      routing: {
        channels: [{ name: 'all', priorities: ['critical'], events: ['raised'] }],
        escalationChannels: [],
      },
      repeat: { everyMs: 0, escalateAfter: null },
      isQuiet: () => false,
    });
    planner.start(book.list(), now());
    book.update({ crit_a: true }, now());
    expect(planner.next(book.list(), now()).map((d) => d.event.kind)).toEqual(['raised']);
    mono += 10 * REPEAT_MS;
    expect(planner.next(book.list(), now())).toEqual([]);
  });
});
