import type { Alarm, ChannelReading, ValveState } from '@cryopilot/protocol';
import type { TickOutcome } from '../control/control-runtime';
import { TelemetryRecorder } from './telemetry-recorder';

const T0 = 1_763_800_000_000;
const reading = (id: string, value: number): ChannelReading => ({
  id,
  label: id,
  unit: '%',
  value,
  mA: 12,
  quality: 'good',
  ts: '',
});
const valve = (open: boolean, reason = 'x'): ValveState => ({
  open,
  output: open ? 100 : 0,
  mode: 'auto',
  reason,
  reasonCode: 'idle',
  reasonParams: {},
  interlocks: [],
  since: '',
  manualUntil: null,
  autoReturnAt: null,
  manualOpen: { allowed: false, blockedBy: ['auto_mode' as const] },
});
const alarm: Alarm = {
  id: 'level_low',
  severity: 'warning',
  message: 'LN2 level low',
  state: 'active-unacked',
  active: true,
  acked: false,
  latching: false,
  activeSince: null,
  lastChange: '',
  ackedBy: null,
  ackComment: null,
  shelvedUntil: null,
  shelvedBy: null,
};

function tick(seq: number, v: ValveState, withAlarm = false): TickOutcome {
  const wallMs = T0 + seq * 500;
  return {
    seq,
    wallMs,
    ts: new Date(wallMs).toISOString(),
    channels: [reading('o2_1', 20.9), reading('ln2_level', 40 - seq)],
    decision: {} as TickOutcome['decision'],
    valve: v,
    valveChanged: false,
    fillEvents: [],
    sensorTestsEnded: [],
    alarmEvents: withAlarm
      ? [{ alarm, previousState: 'normal', ts: new Date(wallMs).toISOString() }]
      : [],
  };
}

const measurements = (lines: string[]) => lines.map((l) => l.split(',')[0]);
const diagnostics = () => ({ cpuTempC: 40, supplyV: 24, pi5vV: 5.1, i2cErrors: 0 });

describe('TelemetryRecorder', () => {
  const recorder = () =>
    new TelemetryRecorder({ device: 'd', valveRepeatMs: 60_000, diagnosticsPeriodMs: 10_000 });

  it('writes every channel of every sample at its acquisition time, with its seq', () => {
    const r = recorder();
    const lines = r.linesFor(tick(7, valve(false)), diagnostics);
    expect(lines[0]).toMatch(/^channel,channel=o2_1,device=d,unit=% .*seq=7i.* 1763800003500$/);
    expect(lines[1]).toMatch(/^channel,channel=ln2_level,/);
  });

  it('writes the valve on a change (whatever the reason text says) and once a minute otherwise', () => {
    const r = recorder();
    expect(measurements(r.linesFor(tick(1, valve(false, 'idle 40 %')), diagnostics))).toContain(
      'valve',
    );
    // Same state, new reason text (it carries the live level): nothing new.
    expect(measurements(r.linesFor(tick(2, valve(false, 'idle 39 %')), diagnostics))).not.toContain(
      'valve',
    );
    // Opened (e.g. by an operator command between samples): written.
    expect(measurements(r.linesFor(tick(3, valve(true)), diagnostics))).toContain('valve');
    // A minute later with no change: written again so dashboards always have a state.
    expect(measurements(r.linesFor(tick(3 + 120, valve(true)), diagnostics))).toContain('valve');
    expect(measurements(r.linesFor(tick(3 + 121, valve(true)), diagnostics))).not.toContain(
      'valve',
    );
  });

  it('writes one alarm point per transition, and diagnostics when due', () => {
    const r = recorder();
    const first = r.linesFor(tick(1, valve(false), true), diagnostics);
    expect(first.filter((l) => l.startsWith('alarm,alarm=level_low,'))).toHaveLength(1);
    expect(measurements(first)).toContain('diagnostics');
    expect(measurements(r.linesFor(tick(2, valve(false)), diagnostics))).not.toContain(
      'diagnostics',
    );
    expect(measurements(r.linesFor(tick(21, valve(false)), diagnostics))).toContain('diagnostics');
  });
});
