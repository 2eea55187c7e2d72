import { DEFAULT_SETPOINTS, Setpoints } from '@cryopilot/protocol';
import type { Instant } from '../clock/clock';
import { ControlRuntime, InputSample, RuntimeChannel } from './control-runtime';

const WALL0 = Date.UTC(2026, 0, 1);
const at = (s: number): Instant => ({ mono: s * 1000, wall: WALL0 + s * 1000 });
const iso = (s: number) => new Date(WALL0 + s * 1000).toISOString();

/** mA for a value on 0..span. */
const mA = (value: number, span: number) => 4 + (value / span) * 16;

/**
 * Channels wired to the card's inputs out of order (level on input 4, O2 on inputs 2 and 1):
 * a channel's reading must come from its own input, whatever its place in the list.
 */
const CHANNELS: RuntimeChannel[] = [
  {
    id: 'lvl',
    label: 'Level',
    unit: '%',
    role: 'level',
    input: 4,
    range: { min: 0, max: 100 },
    warmupS: 0,
  },
  {
    id: 'o2_a',
    label: 'O2 A',
    unit: '%vol',
    role: 'o2',
    input: 2,
    range: { min: 0, max: 25 },
    warmupS: 10,
  },
  {
    id: 'o2_b',
    label: 'O2 B',
    unit: '%vol',
    role: 'o2',
    input: 1,
    range: { min: 0, max: 25 },
    warmupS: 10,
  },
  {
    id: 'tmp',
    label: 'Other',
    unit: 'x',
    role: 'other',
    input: 3,
    range: { min: 0, max: 16 },
    warmupS: 0,
  },
];

function runtime(setpoints: Setpoints = DEFAULT_SETPOINTS): ControlRuntime {
  return new ControlRuntime(
    {
      channels: CHANNELS,
      setpoints,
      alarmLimits: { supplyMinV: 10.8, supplyMaxV: 26.4, levelDeadbandPct: 2 },
      startupGoodSamples: 1,
    },
    at(0),
  );
}

/** A sample in card input order (1..4): O2 B, O2 A, other, level. */
const sample = (o2b: number, o2a: number, levelPct: number): InputSample => ({
  ok: true,
  currentsMa: [mA(o2b, 25), mA(o2a, 25), mA(8, 16), mA(levelPct, 100)],
});
const FAILED: InputSample = { ok: false, error: 'bus' };

/** Past the O2 warm-up (10 s), one tick per second from 1 s to `untilS`. */
function tickUntil(rt: ControlRuntime, untilS: number, s = sample(20.9, 20.9, 50), fromS = 1) {
  let last = rt.tick(s, at(fromS));
  for (let t = fromS + 1; t <= untilS; t++) last = rt.tick(s, at(t));
  return last;
}

describe('ControlRuntime before the first sample', () => {
  it('shows the valve closed in the safe state, every channel unread, in auto', () => {
    const rt = runtime();
    expect(rt.valveState).toEqual({
      open: false,
      output: 0,
      mode: 'auto',
      reason: 'starting: valve in safe state',
      reasonCode: 'starting',
      reasonParams: {},
      interlocks: ['startup'],
      since: iso(0),
      manualUntil: null,
      autoReturnAt: null,
      manualOpen: { allowed: false, blockedBy: ['auto_mode', 'startup'] },
    });
    expect(rt.readings.map((r) => [r.id, r.quality, r.value])).toEqual([
      ['lvl', 'stale', null],
      ['o2_a', 'stale', null],
      ['o2_b', 'stale', null],
      ['tmp', 'stale', null],
    ]);
    expect(rt.lastSeq).toBe(0);
    expect(rt.currentMode).toBe('auto');
    expect(rt.currentSetpoints).toBe(DEFAULT_SETPOINTS);
    expect(rt.persistentState()).toEqual({ mode: 'auto', latched: [] });
  });
});

describe('ControlRuntime samples', () => {
  it('reads each channel from its own input and judges its quality', () => {
    const rt = runtime();
    const outcome = rt.tick(sample(20.0, 21.0, 42), at(1));
    expect(outcome.channels.map((c) => [c.id, c.quality, c.value])).toEqual([
      ['lvl', 'good', 42],
      ['o2_a', 'warmup', null],
      ['o2_b', 'warmup', null],
      ['tmp', 'good', 8],
    ]);
    const later = rt.tick(sample(20.0, 21.0, 42), at(11));
    expect(later.channels.map((c) => c.value)).toEqual([42, 21, 20, 8]);
    expect(rt.readings).toBe(later.channels);
    expect(later).toMatchObject({ seq: 2, wallMs: at(11).wall, ts: iso(11) });
  });

  it('a failed read makes every channel stale and raises hardware_fault', () => {
    const rt = runtime();
    tickUntil(rt, 12);
    const outcome = rt.tick(FAILED, at(13));
    expect(outcome.channels.every((c) => c.quality === 'stale' && c.value === null)).toBe(true);
    expect(outcome.decision.interlocks).toContain('hardware_fault');
    expect(rt.alarms.get('hardware_fault')?.active).toBe(true);
  });

  it('a card that reads but could not write the valve is a hardware fault too', () => {
    const rt = runtime();
    tickUntil(rt, 12);
    const outcome = rt.tick(sample(20.9, 20.9, 50), at(13), false);
    expect(outcome.decision.interlocks).toEqual(['hardware_fault']);
    expect(rt.alarms.get('hardware_fault')?.active).toBe(true);
  });

  it('fills in auto once O2 is measured and the level is low; the valve state follows', () => {
    const rt = runtime();
    const warm = tickUntil(rt, 9, sample(20.9, 20.9, 15));
    expect(warm.valve).toMatchObject({ open: false, interlocks: ['o2_unavailable'] });
    const opened = rt.tick(sample(20.9, 20.9, 15), at(10));
    expect(opened.valveChanged).toBe(true);
    expect(opened.valve).toMatchObject({
      open: true,
      output: 100,
      mode: 'auto',
      reason: 'filling: level 15.0 % < 20 %',
      reasonCode: 'fill_start',
      reasonParams: { levelPct: 15, fillStartPct: 20 },
      interlocks: [],
      since: iso(10),
      manualUntil: null,
      autoReturnAt: null,
    });
    const still = rt.tick(sample(20.9, 20.9, 16), at(11));
    expect(still.valveChanged).toBe(false);
    expect(still.valve.since).toBe(iso(10));
    const closed = rt.tick(sample(17, 20.9, 16), at(12));
    expect(closed.valveChanged).toBe(true);
    expect(closed.valve).toMatchObject({ open: false, output: 0, since: iso(12) });
  });

  it('an O2 trip raises and latches o2_low_low, which keeps the valve shut after O2 recovers', () => {
    const rt = runtime();
    tickUntil(rt, 12, sample(20.9, 20.9, 15));
    const trip = rt.tick(sample(17, 20.9, 15), at(13));
    expect(trip.alarmEvents.map((e) => [e.alarm.id, e.alarm.state])).toContainEqual([
      'o2_low_low',
      'active-unacked',
    ]);
    const recovered = tickUntil(rt, 200, sample(20.9, 20.9, 15), 14);
    expect(recovered.valve).toMatchObject({ open: false, interlocks: ['o2_low_low'] });
    expect(rt.persistentState()).toEqual({ mode: 'auto', latched: ['o2_low_low'] });
  });

  it('a fill timeout raises fill_timeout (latched) from the decision', () => {
    const rt = runtime({ ...DEFAULT_SETPOINTS, maxFillS: 60 });
    tickUntil(rt, 10, sample(20.9, 20.9, 15));
    const timedOut = tickUntil(rt, 71, sample(20.9, 20.9, 15), 11);
    expect(timedOut.decision.fillTimedOut).toBe(true);
    expect(rt.alarms.get('fill_timeout')).toMatchObject({ state: 'active-unacked' });
    rt.tick(sample(20.9, 20.9, 15), at(72));
    expect(rt.alarms.get('fill_timeout')).toMatchObject({ state: 'latched' });
    expect(rt.valveState.interlocks).toEqual(['fill_timeout']);
  });

  it('the HAT supply voltage goes to the supply_voltage alarm', () => {
    const rt = runtime();
    rt.updateSupplyVoltage(9);
    tickUntil(rt, 7);
    expect(rt.alarms.get('supply_voltage')?.active).toBe(true);
    rt.updateSupplyVoltage(null);
    tickUntil(rt, 9, undefined, 8);
    expect(rt.alarms.get('supply_voltage')?.active).toBe(false);
  });
});

describe('ControlRuntime re-evaluation between samples', () => {
  it('uses the last readings, does not count as a sample, and shows a manual open end in wall time', () => {
    const rt = runtime();
    tickUntil(rt, 12);
    rt.valveController.setMode('manual', 0);
    expect(rt.valveController.requestManualOpen(60, at(12.5).mono).ok).toBe(true);
    const outcome = rt.reevaluate(at(12.5), true);
    expect(outcome.seq).toBe(12);
    expect(outcome.valve).toMatchObject({
      open: true,
      mode: 'manual',
      manualUntil: iso(72.5),
      autoReturnAt: null,
      manualOpen: { allowed: true, blockedBy: [] },
    });
    // The wall clock jumps (NTP): the end follows the control clock, shown in the new wall time.
    const jumped = rt.reevaluate({ mono: at(13).mono, wall: at(13).wall + 3_600_000 }, true);
    expect(jumped.valve.manualUntil).toBe(new Date(at(72.5).wall + 3_600_000).toISOString());
  });

  it('events of a re-evaluation ride with the next sample (listeners hear every sample only)', () => {
    const rt = runtime();
    tickUntil(rt, 12);
    rt.valveController.setMode('manual', 0);
    rt.valveController.requestManualOpen(60, at(12.5).mono, 'alice');
    const opened = rt.reevaluate(at(12.5), true);
    expect(opened.fillEvents).toMatchObject([{ event: 'started', fill: { user: 'alice' } }]);
    const failed = rt.reevaluate(at(12.6), false);
    expect(failed.alarmEvents.map((e) => e.alarm.id)).toEqual(['hardware_fault']);
    expect(failed.fillEvents).toMatchObject([{ event: 'ended', fill: { endedBy: 'interlock' } }]);
    const next = rt.tick(sample(20.9, 20.9, 50), at(13));
    expect(next.fillEvents.map((e) => e.event)).toEqual(['started', 'ended']);
    expect(next.alarmEvents.map((e) => [e.alarm.id, e.alarm.state])).toEqual([
      ['hardware_fault', 'active-unacked'],
      ['hardware_fault', 'cleared-unacked'],
    ]);
    // Carried once only.
    const after = rt.tick(sample(20.9, 20.9, 50), at(14));
    expect(after.fillEvents).toEqual([]);
    expect(after.alarmEvents).toEqual([]);
  });

  it('a re-evaluation without working hardware closes the valve at once', () => {
    const rt = runtime();
    tickUntil(rt, 12, sample(20.9, 20.9, 15));
    expect(rt.valveState.open).toBe(true);
    expect(rt.reevaluate(at(12.5), false).valve).toMatchObject({
      open: false,
      interlocks: ['hardware_fault'],
    });
  });
});

describe('ControlRuntime restore, setpoints, external conditions', () => {
  it('restores the mode and the latched trips saved before a restart', () => {
    const rt = runtime();
    rt.restore({ mode: 'manual', latched: ['o2_low_low'] }, at(0));
    expect(rt.currentMode).toBe('manual');
    expect(rt.valveState.mode).toBe('manual');
    expect(rt.valveState.manualOpen).toEqual({ allowed: false, blockedBy: ['startup'] });
    expect(rt.alarms.get('o2_low_low')?.state).toBe('latched');
    expect(rt.persistentState()).toEqual({ mode: 'manual', latched: ['o2_low_low'] });
  });

  it('new setpoints apply to the valve and to the O2 alarm on-delay at once', () => {
    const rt = runtime();
    tickUntil(rt, 12, sample(20.9, 20.9, 30));
    expect(rt.valveState.open).toBe(false);
    const setpoints = {
      ...DEFAULT_SETPOINTS,
      fillStartPct: 40,
      fillStopPct: 90,
      o2AlarmOnDelayS: 2,
    };
    rt.updateSetpoints(setpoints);
    expect(rt.currentSetpoints).toBe(setpoints);
    rt.tick(sample(19, 20.9, 30), at(13));
    expect(rt.valveState.open).toBe(true);
    rt.tick(sample(19, 20.9, 30), at(14));
    expect(rt.alarms.get('o2_low')?.active).toBe(false);
    rt.tick(sample(19, 20.9, 30), at(15));
    expect(rt.alarms.get('o2_low')?.active).toBe(true);
  });

  it('a condition reported from outside raises its alarm at the next sample, and clears it', () => {
    const rt = runtime();
    rt.setExternalCondition('telemetry_outbox_overflow', true);
    expect(rt.alarms.get('telemetry_outbox_overflow')?.active).toBe(false);
    const raised = rt.tick(sample(20.9, 20.9, 50), at(1));
    expect(raised.alarmEvents.map((e) => e.alarm.id)).toContain('telemetry_outbox_overflow');
    rt.setExternalCondition('telemetry_outbox_overflow', false);
    rt.tick(sample(20.9, 20.9, 50), at(2));
    expect(rt.alarms.get('telemetry_outbox_overflow')?.state).toBe('cleared-unacked');
  });
});

describe('ControlRuntime alarm reset', () => {
  it('refuses to reset the O2 trip while no O2 sensor reads (warming up, faulted or unread)', () => {
    const rt = runtime();
    rt.restore({ mode: 'auto', latched: ['o2_low_low'] }, at(0));
    const refused = {
      ok: false,
      code: 'refused',
      message:
        'o2_low_low: no O2 sensor reads yet (warming up, faulted or unread): reset once O2 is measured',
    };
    expect(rt.resetAlarm('o2_low_low', 'ann', at(0))).toEqual(refused);
    rt.tick(sample(20.9, 20.9, 50), at(1)); // level and other read, O2 warming up
    expect(rt.resetAlarm('o2_low_low', 'ann', at(1))).toEqual(refused);
    rt.tick(sample(20.9, 20.9, 50), at(11));
    expect(rt.resetAlarm('o2_low_low', 'ann', at(11))).toMatchObject({
      ok: true,
      alarm: { state: 'normal' },
    });
  });

  it('one O2 sensor that reads is enough', () => {
    const rt = runtime();
    rt.restore({ mode: 'auto', latched: ['o2_low_low'] }, at(0));
    rt.tick({ ok: true, currentsMa: [0, mA(20.9, 25), mA(8, 16), mA(50, 100)] }, at(11));
    expect(rt.resetAlarm('o2_low_low', 'ann', at(11)).ok).toBe(true);
  });

  it('other latched alarms reset without an O2 reading', () => {
    const rt = runtime();
    rt.restore({ mode: 'auto', latched: ['fill_timeout'] }, at(0));
    expect(rt.resetAlarm('fill_timeout', 'ann', at(0)).ok).toBe(true);
    expect(rt.persistentState().latched).toEqual([]);
  });
});
