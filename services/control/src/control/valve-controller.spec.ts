import { DEFAULT_SETPOINTS, Quality } from '@cryopilot/protocol';
import type { ControlInputs } from './control.types';
import { ValveController } from './valve-controller';

const good = (value: number) => ({ value, quality: 'good' as Quality });
const bad = { value: null, quality: 'bad' as Quality };

function inputs(over: Partial<ControlInputs> = {}): ControlInputs {
  return {
    mono: 0,
    level: good(50),
    o2: [good(20.9), good(20.9)],
    hardwareOk: true,
    tripsLatched: [],
    ...over,
  };
}

/** A controller past start-up (3 good level samples). */
function started(levelPct = 50, mono = 0): ValveController {
  const c = new ValveController(DEFAULT_SETPOINTS, 3);
  for (let i = 0; i < 3; i++) c.step(inputs({ level: good(levelPct), mono: mono + i * 500 }));
  return c;
}

describe('ValveController manual open blockers (published with the valve state)', () => {
  it('auto mode blocks a manual open; in manual, fill_timeout does not, other interlocks do', () => {
    const c = started(50);
    expect(c.manualOpenBlockers()).toEqual(['auto_mode']);
    c.setMode('manual', 0);
    c.step(inputs({ mono: 2000, tripsLatched: ['fill_timeout'] }));
    expect(c.manualOpenBlockers()).toEqual([]);
    expect(c.requestManualOpen(60, 2000).ok).toBe(true);
    c.step(inputs({ mono: 2500, level: bad }));
    expect(c.manualOpenBlockers()).toEqual(['level_sensor_fault']);
    expect(c.requestManualOpen(60, 2500)).toMatchObject({ ok: false, code: 'refused' });
  });
});

describe('ValveController start-up', () => {
  it('starts closed, in auto, with the startup interlock', () => {
    const c = new ValveController(DEFAULT_SETPOINTS, 3);
    const d = c.step(inputs({ level: good(5) }));
    expect(d.open).toBe(false);
    expect(d.interlocks).toContain('startup');
    expect(c.currentMode).toBe('auto');
  });

  it('opens only after the level has been good for 3 consecutive samples', () => {
    const c = new ValveController(DEFAULT_SETPOINTS, 3);
    expect(c.step(inputs({ level: good(5), mono: 0 })).open).toBe(false);
    expect(c.step(inputs({ level: bad, mono: 500 })).open).toBe(false);
    expect(c.step(inputs({ level: good(5), mono: 1000 })).open).toBe(false);
    expect(c.step(inputs({ level: good(5), mono: 1500 })).open).toBe(false);
    expect(c.step(inputs({ level: good(5), mono: 2000 })).open).toBe(true);
  });
});

describe('ValveController auto level control', () => {
  it.each([
    // [level, expected open, reason fragment]
    [50, false, 'idle'],
    [20, false, 'idle'],
    [19.9, true, 'filling'],
  ])('closed valve with level %s %% → open=%s', (level, open, reason) => {
    const d = started(50).step(inputs({ level: good(level), mono: 5000 }));
    expect(d.open).toBe(open);
    expect(d.reason).toContain(reason);
  });

  it('keeps filling inside the hysteresis band and stops at fillStopPct', () => {
    const c = started(10);
    expect(c.step(inputs({ level: good(10), mono: 2000 })).open).toBe(true);
    expect(c.step(inputs({ level: good(50), mono: 3000 })).open).toBe(true);
    expect(c.step(inputs({ level: good(79.9), mono: 4000 })).open).toBe(true);
    const stop = c.step(inputs({ level: good(80), mono: 5000 }));
    expect(stop.open).toBe(false);
    expect(stop.reason).toContain('fill complete');
  });

  it('waits minOffS after a fill before the next one', () => {
    const c = started(10);
    c.step(inputs({ level: good(10), mono: 2000 }));
    c.step(inputs({ level: good(80), mono: 3000 })); // closes at 3 s
    const early = c.step(inputs({ level: good(15), mono: 3000 + 59_000 }));
    expect(early.open).toBe(false);
    expect(early.reason).toContain('minimum off time');
    expect(c.step(inputs({ level: good(15), mono: 3000 + 60_000 })).open).toBe(true);
  });

  it('aborts a fill that exceeds maxFillS and reports it once', () => {
    const c = started(50);
    c.step(inputs({ level: good(10), mono: 2000 }));
    const before = c.step(inputs({ level: good(30), mono: 2000 + 1800_000 }));
    expect(before.open).toBe(true);
    const timeout = c.step(inputs({ level: good(30), mono: 2000 + 1800_500 }));
    expect(timeout).toMatchObject({ open: false, fillTimedOut: true });
    expect(c.step(inputs({ level: good(30), mono: 2000 + 1801_000 })).fillTimedOut).toBe(false);
  });

  it('does not auto-fill while fill_timeout is latched', () => {
    const d = started(10).step(
      inputs({ level: good(10), mono: 2000, tripsLatched: ['fill_timeout'] }),
    );
    expect(d.open).toBe(false);
    expect(d.interlocks).toEqual(['fill_timeout']);
  });
});

describe('ValveController interlocks close an open valve within one step', () => {
  const o2 = (v1: number | null, q1: Quality = 'good') => [{ value: v1, quality: q1 }, good(20.9)];
  it.each([
    ['O2 below low-low on sensor 1', { o2: o2(17.9) }, 'o2_low_low'],
    ['O2 below low-low on sensor 2', { o2: [good(20.9), good(17.5)] }, 'o2_low_low'],
    [
      'both O2 unusable',
      { o2: [bad, { value: null, quality: 'stale' as Quality }] },
      'o2_unavailable',
    ],
    [
      'both O2 warming up',
      {
        o2: [
          { value: null, quality: 'warmup' as Quality },
          { value: null, quality: 'warmup' as Quality },
        ],
      },
      'o2_unavailable',
    ],
    ['level wire break', { level: bad }, 'level_sensor_fault'],
    [
      'level uncertain',
      { level: { value: 0, quality: 'uncertain' as Quality } },
      'level_sensor_fault',
    ],
    ['level stale', { level: { value: null, quality: 'stale' as Quality } }, 'level_sensor_fault'],
    ['level high-high', { level: good(95) }, 'level_high_high'],
    ['hardware fault', { hardwareOk: false }, 'hardware_fault'],
  ] as const)('%s → closed (%s)', (_name, over, interlock) => {
    const c = started(10);
    expect(c.step(inputs({ level: good(10), mono: 2000 })).open).toBe(true);
    const d = c.step(inputs({ level: good(10), mono: 2500, ...over }));
    expect(d.open).toBe(false);
    expect(d.interlocks).toContain(interlock);
    expect(d.reason).toContain(interlock);
  });

  it('fills with one O2 sensor faulty as long as the other is trustworthy', () => {
    const c = started(10);
    const d = c.step(inputs({ level: good(10), mono: 2000, o2: [bad, good(20.9)] }));
    expect(d.open).toBe(true);
  });

  it('O2 exactly at the low-low limit does not trip', () => {
    const d = started(10).step(inputs({ level: good(10), mono: 2000, o2: [good(18), good(18)] }));
    expect(d.open).toBe(true);
  });
});

describe('ValveController manual mode', () => {
  function manual(): ValveController {
    const c = started(50);
    c.setMode('manual', 0);
    c.step(inputs({ mono: 2000 }));
    return c;
  }

  it('refuses valve.open in auto mode', () => {
    const r = started(50).requestManualOpen(60, 2000);
    expect(r).toMatchObject({ ok: false, code: 'refused' });
  });

  it('opens for the requested duration, then closes by itself', () => {
    const c = manual();
    expect(c.requestManualOpen(60, 2000).ok).toBe(true);
    const open = c.step(inputs({ mono: 2500 }));
    expect(open.open).toBe(true);
    expect(open.manualUntilMono).toBe(62_000);
    expect(c.step(inputs({ mono: 61_999 })).open).toBe(true);
    const closed = c.step(inputs({ mono: 62_000 }));
    expect(closed.open).toBe(false);
    expect(closed.reason).toContain('time elapsed');
    expect(c.step(inputs({ mono: 100_000 })).open).toBe(false);
  });

  it('uses manualOpenDefaultS without a duration and rejects more than manualOpenMaxS', () => {
    const c = manual();
    expect(c.requestManualOpen(601, 2000)).toMatchObject({ ok: false, code: 'invalid_args' });
    expect(c.requestManualOpen(undefined, 2000).ok).toBe(true);
    expect(c.step(inputs({ mono: 2000 })).manualUntilMono).toBe(2000 + 300_000);
  });

  it('refuses to open while an interlock is active', () => {
    const c = manual();
    c.step(inputs({ mono: 2500, o2: [good(17), good(20.9)] }));
    expect(c.requestManualOpen(60, 2500)).toMatchObject({ ok: false, code: 'refused' });
  });

  it('allows a manual fill while fill_timeout is latched (auto-only inhibit)', () => {
    const c = manual();
    c.step(inputs({ mono: 2500, tripsLatched: ['fill_timeout'] }));
    expect(c.requestManualOpen(60, 2500).ok).toBe(true);
    expect(c.step(inputs({ mono: 3000, tripsLatched: ['fill_timeout'] })).open).toBe(true);
  });

  it('closes on an interlock and does not reopen when it clears', () => {
    const c = manual();
    c.requestManualOpen(600, 2000);
    expect(c.step(inputs({ mono: 2500 })).open).toBe(true);
    expect(c.step(inputs({ mono: 3000, level: bad })).open).toBe(false);
    expect(c.step(inputs({ mono: 3500 })).open).toBe(false);
  });

  it('valve.close in auto switches to manual so the valve stays closed', () => {
    const c = started(10);
    expect(c.step(inputs({ level: good(10), mono: 2000 })).open).toBe(true);
    expect(c.requestClose(0).ok).toBe(true);
    expect(c.currentMode).toBe('manual');
    expect(c.step(inputs({ level: good(10), mono: 2500 })).open).toBe(false);
  });

  it('switching mode ends a manual open', () => {
    const c = manual();
    c.requestManualOpen(600, 2000);
    c.step(inputs({ mono: 2500 }));
    c.setMode('auto', 0);
    c.setMode('manual', 0);
    expect(c.step(inputs({ mono: 3000 })).open).toBe(false);
  });
});

describe('ValveController start-up happens once', () => {
  it('a manual open is refused before the first sample (start-up interlock)', () => {
    const c = new ValveController(DEFAULT_SETPOINTS, 3);
    c.setMode('manual', 0);
    expect(c.requestManualOpen(60, 0)).toEqual({
      ok: false,
      code: 'refused',
      message: 'interlock active: startup',
    });
  });

  it('re-evaluations between samples do not count towards start-up', () => {
    const c = new ValveController(DEFAULT_SETPOINTS, 3);
    c.step(inputs({ level: good(10), mono: 0 }));
    for (let i = 0; i < 5; i++) c.step(inputs({ level: good(10), mono: 100 }), false);
    expect(c.step(inputs({ level: good(10), mono: 500 })).interlocks).toEqual(['startup']);
    expect(c.step(inputs({ level: good(10), mono: 1000 })).open).toBe(true);
  });

  it('after start-up, a level fault closes the valve but does not bring the start-up back', () => {
    const c = started(10);
    expect(c.step(inputs({ level: good(10), mono: 2000 })).open).toBe(true);
    expect(c.step(inputs({ level: bad, mono: 2500 })).interlocks).toEqual(['level_sensor_fault']);
    const back = c.step(inputs({ level: good(10), mono: 62_500 }));
    expect(back.interlocks).toEqual([]);
    expect(back.open).toBe(true);
  });
});

describe('ValveController reasons (shown to people with the valve state)', () => {
  it('auto: idle, filling, complete, waiting, inhibited, closed by interlock, timeout', () => {
    const c = started(50);
    expect(c.step(inputs({ level: good(50), mono: 2000 })).reason).toBe(
      'idle: level 50.0 % ≥ 20 %',
    );
    expect(c.step(inputs({ level: good(12.34), mono: 2500 })).reason).toBe(
      'filling: level 12.3 % < 20 %',
    );
    expect(c.step(inputs({ level: good(40), mono: 3000 })).reason).toBe(
      'filling: level 40.0 % → 80 %',
    );
    expect(c.step(inputs({ level: good(81), mono: 3500 })).reason).toBe(
      'fill complete: level 81.0 % ≥ 80 %',
    );
    expect(c.step(inputs({ level: good(10), mono: 4000 })).reason).toBe(
      'waiting: minimum off time, 60 s left',
    );
    expect(c.step(inputs({ level: good(10), mono: 33_600 })).reason).toBe(
      'waiting: minimum off time, 30 s left',
    );
    expect(c.step(inputs({ level: bad, mono: 34_000 })).reason).toBe(
      'inhibited: level_sensor_fault',
    );
    expect(c.step(inputs({ level: bad, mono: 34_000, hardwareOk: false })).reason).toBe(
      'inhibited: hardware_fault, level_sensor_fault',
    );
    expect(c.step(inputs({ level: good(10), mono: 64_000 })).open).toBe(true);
    expect(c.step(inputs({ level: good(10), mono: 64_500, hardwareOk: false })).reason).toBe(
      'closed by interlock: hardware_fault',
    );
    c.step(inputs({ level: good(10), mono: 125_000 }));
    expect(c.step(inputs({ level: good(10), mono: 125_000 + 1_800_001 })).reason).toBe(
      'fill timeout: no 80 % after 1800 s',
    );
  });

  it('manual: closed, open with time left, ended by time, by interlock, by the operator', () => {
    const c = started(50);
    expect(c.setMode('manual', 0)).toEqual({ ok: true, message: 'mode set to manual' });
    expect(c.setMode('manual', 0)).toEqual({ ok: true, message: 'mode already manual' });
    expect(c.step(inputs({ mono: 2000 })).reason).toBe('manual: closed');
    expect(c.requestManualOpen(60, 2000)).toEqual({ ok: true, message: 'valve open for 60 s' });
    expect(c.step(inputs({ mono: 2500 })).reason).toBe('manual open: 60 s left');
    expect(c.step(inputs({ mono: 32_000 })).reason).toBe('manual open: 30 s left');
    expect(c.step(inputs({ mono: 62_000 })).reason).toBe('manual open ended: time elapsed');
    // The reason stays until the next request.
    expect(c.step(inputs({ mono: 62_500 })).reason).toBe('manual open ended: time elapsed');
    c.requestManualOpen(60, 63_000);
    expect(c.step(inputs({ mono: 63_500, o2: [good(17), good(20.9)] })).reason).toBe(
      'manual open ended by interlock: o2_low_low',
    );
    expect(c.step(inputs({ mono: 64_000 })).reason).toBe(
      'manual open ended by interlock: o2_low_low',
    );
    c.requestManualOpen(60, 64_000);
    expect(c.step(inputs({ mono: 64_100, level: bad, hardwareOk: false })).reason).toBe(
      'manual open ended by interlock: hardware_fault, level_sensor_fault',
    );
    c.requestManualOpen(60, 64_200);
    expect(c.requestClose(0)).toEqual({ ok: true, message: 'valve closed' });
    expect(c.currentMode).toBe('manual');
    const closed = c.step(inputs({ mono: 64_500 }));
    expect(closed).toMatchObject({ open: false, reason: 'manual: closed by operator' });
  });

  it('valve.close in auto says that the mode changed', () => {
    expect(started(50).requestClose(0)).toEqual({
      ok: true,
      message: 'valve closed; mode switched to manual',
    });
  });

  it('refusals say why', () => {
    const c = started(50);
    expect(c.requestManualOpen(60, 2000)).toEqual({
      ok: false,
      code: 'refused',
      message: 'valve.open needs manual mode',
    });
    c.setMode('manual', 0);
    expect(c.requestManualOpen(601, 2000)).toEqual({
      ok: false,
      code: 'invalid_args',
      message: 'durationS must be <= 600 (manualOpenMaxS)',
    });
    c.step(inputs({ mono: 2000, o2: [good(17), good(20.9)], level: good(96) }));
    expect(c.requestManualOpen(60, 2000)).toEqual({
      ok: false,
      code: 'refused',
      message: 'interlock active: o2_low_low, level_high_high',
    });
  });
});

describe('ValveController between samples', () => {
  it('cancelManualOpen ends a pending manual open with its reason; without one it does nothing', () => {
    const c = started(50);
    c.setMode('manual', 0);
    c.step(inputs({ mono: 2000 }));
    c.cancelManualOpen();
    expect(c.step(inputs({ mono: 2500 })).reason).toBe('manual: closed');
    c.requestManualOpen(60, 2500);
    c.cancelManualOpen();
    const d = c.step(inputs({ mono: 3000 }));
    expect(d).toMatchObject({
      open: false,
      reason: 'manual open cancelled: valve write failed',
      manualUntilMono: null,
    });
    expect(c.isOpen).toBe(false);
  });

  it('isOpen follows the decision', () => {
    const c = started(50);
    expect(c.isOpen).toBe(false);
    c.step(inputs({ level: good(10), mono: 2000 }));
    expect(c.isOpen).toBe(true);
  });

  it('new setpoints apply from the next step', () => {
    const c = started(30);
    expect(c.step(inputs({ level: good(30), mono: 2000 })).open).toBe(false);
    c.updateSetpoints({ ...DEFAULT_SETPOINTS, fillStartPct: 40, fillStopPct: 90 });
    expect(c.step(inputs({ level: good(30), mono: 2500 })).open).toBe(true);
  });

  it('the fill time counts from the step that opened the valve', () => {
    const c = started(50);
    c.step(inputs({ level: good(10), mono: 10_000 })); // opens at 10 s
    expect(c.step(inputs({ level: good(30), mono: 10_000 + 1_800_000 })).open).toBe(true);
    expect(c.step(inputs({ level: good(30), mono: 10_000 + 1_800_001 })).fillTimedOut).toBe(true);
  });
});

describe('ValveController close causes (the fill history keeps them)', () => {
  /** Opens an auto fill at level 10 % and returns the controller. */
  function filling(): ValveController {
    const c = started(10);
    expect(c.step(inputs({ level: good(10), mono: 2000 })).open).toBe(true);
    return c;
  }

  it('auto: stop level, max time, trip, other interlocks, operator', () => {
    expect(filling().step(inputs({ level: good(81), mono: 3000 })).closedBy).toBe('stop_level');
    const maxFillMs = (DEFAULT_SETPOINTS.maxFillS + 1) * 1000;
    expect(filling().step(inputs({ level: good(30), mono: 2000 + maxFillMs })).closedBy).toBe(
      'max_time',
    );
    const o2Trip = inputs({ mono: 3000, level: good(30), tripsLatched: ['o2_low_low'] });
    expect(filling().step(o2Trip).closedBy).toBe('trip');
    expect(filling().step(inputs({ mono: 3000, level: bad })).closedBy).toBe('interlock');
    const c = filling();
    c.requestClose(0);
    expect(c.step(inputs({ level: good(30), mono: 3000 }), false).closedBy).toBe('operator');
  });

  it('manual: who opened it while open; timer, operator, interlock, mode change', () => {
    const c = started(50);
    c.setMode('manual', 0);
    c.requestManualOpen(60, 2000, 'alice');
    const open = c.step(inputs({ mono: 2000 }));
    expect(open).toMatchObject({ open: true, openedBy: 'alice', closedBy: null });
    expect(c.step(inputs({ mono: 63_000 })).closedBy).toBe('timer');
    c.requestManualOpen(60, 64_000, 'bob');
    c.step(inputs({ mono: 64_000 }));
    c.requestClose(0);
    expect(c.step(inputs({ mono: 65_000 }), false).closedBy).toBe('operator');
    c.requestManualOpen(60, 66_000, 'bob');
    c.step(inputs({ mono: 66_000 }));
    expect(c.step(inputs({ mono: 66_500, hardwareOk: false })).closedBy).toBe('interlock');
    c.step(inputs({ mono: 66_800 })); // card back: a manual open is allowed again
    expect(c.requestManualOpen(60, 67_000, 'bob').ok).toBe(true);
    expect(c.step(inputs({ mono: 67_000 })).open).toBe(true);
    c.setMode('manual', 0);
    expect(c.step(inputs({ mono: 67_500 }), false).closedBy).toBe('operator');
  });

  it('closedBy is set only on the step that closes, openedBy only while manually open', () => {
    const c = filling();
    const d = c.step(inputs({ level: good(50), mono: 2500 }));
    expect(d).toMatchObject({ open: true, closedBy: null, openedBy: null });
    c.step(inputs({ level: good(81), mono: 3000 }));
    expect(c.step(inputs({ level: good(81), mono: 3500 })).closedBy).toBeNull();
  });
});

describe('ValveController: manual mode returns to auto after manualAutoReturnS', () => {
  const withReturn = (afterS: number, levelPct = 50) => {
    const c = new ValveController({ ...DEFAULT_SETPOINTS, manualAutoReturnS: afterS }, 3);
    for (let i = 0; i < 3; i++) c.step(inputs({ level: good(levelPct), mono: i * 500 }));
    return c;
  };

  it('stays manual while off (0), however long', () => {
    const c = withReturn(0, 10);
    c.setMode('manual', 1000);
    expect(c.autoReturnMono()).toBeNull();
    const d = c.step(inputs({ level: good(10), mono: 1000 + 48 * 3600_000 }));
    expect(d).toMatchObject({ open: false, returnedToAuto: false });
    expect(c.currentMode).toBe('manual');
  });

  it('returns to auto at the set time, and auto then fills a low dewar', () => {
    const c = withReturn(600);
    c.setMode('manual', 1000);
    expect(c.autoReturnMono()).toBe(601_000);
    expect(c.step(inputs({ level: good(10), mono: 600_999 })).returnedToAuto).toBe(false);
    const d = c.step(inputs({ level: good(10), mono: 601_000 }));
    expect(d).toMatchObject({ returnedToAuto: true, open: true });
    expect(c.currentMode).toBe('auto');
    expect(c.autoReturnMono()).toBeNull();
    expect(c.step(inputs({ level: good(12), mono: 601_500 })).returnedToAuto).toBe(false);
  });

  it('an operator close in auto (keep closed) returns too, counted from the close', () => {
    const c = withReturn(120);
    c.requestClose(5000);
    expect(c.currentMode).toBe('manual');
    expect(c.autoReturnMono()).toBe(125_000);
  });

  it('never cuts a watched manual fill short: returns once it has ended', () => {
    const c = withReturn(60, 10);
    c.setMode('manual', 0);
    c.requestManualOpen(300, 30_000, 'alice');
    const during = c.step(inputs({ level: good(10), mono: 90_000 }));
    expect(during).toMatchObject({ open: true, returnedToAuto: false });
    expect(c.currentMode).toBe('manual');
    const end = c.step(inputs({ level: good(10), mono: 330_000 }));
    expect(end).toMatchObject({ open: false, closedBy: 'timer', returnedToAuto: false });
    // The next sample: the manual fill is on record as ended by its timer, then auto decides.
    expect(c.step(inputs({ level: good(10), mono: 330_500 })).returnedToAuto).toBe(true);
    expect(c.currentMode).toBe('auto');
  });

  it('keeps every interlock in auto after the return: no fill while O2 is low-low', () => {
    const c = withReturn(60, 10);
    c.setMode('manual', 0);
    const d = c.step(inputs({ level: good(10), mono: 61_000, tripsLatched: ['o2_low_low'] }));
    expect(d).toMatchObject({ returnedToAuto: true, open: false });
    expect(d.interlocks).toContain('o2_low_low');
  });

  it('restarts the clock when manual is entered again, not when it is re-confirmed', () => {
    const c = withReturn(600);
    c.setMode('manual', 0);
    c.setMode('manual', 300_000);
    expect(c.autoReturnMono()).toBe(600_000);
    c.setMode('auto', 400_000);
    c.setMode('manual', 500_000);
    expect(c.autoReturnMono()).toBe(1_100_000);
  });
});
