import type { Alarm } from '@cryopilot/protocol';
import { wsServerMessageSchema } from '@cryopilot/protocol';
import type { TickOutcome } from '../control/control-runtime';
import { AlarmChangeTracker, commandResultMessage, sampleMessage } from './outbound-messages';

const ts = '2026-11-22T10:00:00.000Z';
const alarm = (over: Partial<Alarm> = {}): Alarm => ({
  id: 'o2_low',
  severity: 'warning',
  message: 'O2 low',
  state: 'normal',
  active: false,
  acked: true,
  latching: false,
  activeSince: null,
  lastChange: ts,
  ackedBy: null,
  ackComment: null,
  shelvedUntil: null,
  shelvedBy: null,
  ...over,
});

describe('outbound messages', () => {
  it('a sample carries value, quality and mA per channel and the valve, per the contract', () => {
    const outcome = {
      seq: 7,
      ts,
      wallMs: Date.parse(ts),
      channels: [
        { id: 'o2_1', label: 'O2', value: 20.9, unit: '%vol', mA: 17.4, quality: 'good', ts },
        { id: 'ln2_level', label: 'L', value: null, unit: '%', mA: 2.1, quality: 'bad', ts },
      ],
      valve: {
        open: false,
        output: 0,
        mode: 'auto',
        reason: 'inhibited: level_sensor_fault',
        reasonCode: 'inhibited',
        reasonParams: { interlocks: ['level_sensor_fault'] },
        interlocks: ['level_sensor_fault'],
        since: ts,
        manualUntil: null,
        autoReturnAt: null,
        manualOpen: { allowed: false, blockedBy: ['auto_mode', 'level_sensor_fault'] },
      },
    } as unknown as TickOutcome;
    const message = wsServerMessageSchema.parse(sampleMessage(outcome));
    expect(message).toMatchObject({
      type: 'sample',
      seq: 7,
      channels: {
        o2_1: { value: 20.9, quality: 'good', mA: 17.4 },
        ln2_level: { value: null, quality: 'bad', mA: 2.1 },
      },
    });
  });

  it('command results keep the id and the error code', () => {
    const message = commandResultMessage({
      id: 'c1',
      ok: false,
      error: { code: 'forbidden', message: 'needs operator' },
    });
    expect(wsServerMessageSchema.parse(message)).toEqual({
      type: 'command-result',
      id: 'c1',
      ok: false,
      error: { code: 'forbidden', message: 'needs operator' },
    });
  });
});

describe('AlarmChangeTracker', () => {
  it('reports each change once, whatever field changed', () => {
    const sut = new AlarmChangeTracker();
    sut.prime([alarm()]);
    expect(sut.changes([alarm()])).toEqual([]);
    const raised = alarm({ state: 'active-unacked', active: true, acked: false });
    expect(sut.changes([raised])).toEqual([raised]);
    expect(sut.changes([raised])).toEqual([]);
    const acked = { ...raised, state: 'active-acked' as const, acked: true, ackedBy: 'op' };
    expect(sut.changes([acked])).toEqual([acked]);
  });
});
