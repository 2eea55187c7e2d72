import { DEFAULT_SETPOINTS } from '@cryopilot/protocol';
import { appConfigSchema } from '../config/config.schema';
import { ControlRuntime } from '../control/control-runtime';
import {
  MQTT_OVERFLOW_ALARM_ID,
  OutboxOverflowAlarm,
  OutboxOverflowCondition,
  TELEMETRY_OVERFLOW_ALARM_ID,
} from './outbox-overflow-alarm';

describe('OutboxOverflowCondition', () => {
  it('is on from the first drop until the backlog is delivered, reporting only changes', () => {
    const sut = new OutboxOverflowCondition();
    expect(sut.update(true)).toBeNull();
    sut.dropped(0);
    expect(sut.update(false)).toBeNull();
    sut.dropped(12);
    expect(sut.update(false)).toBe(true);
    expect(sut.update(false)).toBeNull();
    sut.dropped(3);
    expect(sut.update(false)).toBeNull();
    expect(sut.update(true)).toBe(false);
    expect(sut.update(true)).toBeNull();
  });
});

describe('OutboxOverflowAlarm', () => {
  it('sets the alarm condition and logs on each change only', () => {
    const set = jest.fn();
    const logger = { error: jest.fn(), log: jest.fn() };
    const sut = new OutboxOverflowAlarm(
      TELEMETRY_OVERFLOW_ALARM_ID,
      'telemetry outbox',
      set,
      logger,
    );
    sut.update(true, 0);
    sut.dropped(5);
    sut.update(false, 5);
    sut.update(false, 5);
    sut.update(true, 5);
    expect(set.mock.calls).toEqual([
      [TELEMETRY_OVERFLOW_ALARM_ID, true],
      [TELEMETRY_OVERFLOW_ALARM_ID, false],
    ]);
    expect(logger.error).toHaveBeenCalledWith(expect.stringContaining('5 dropped at its bound'));
    expect(logger.log).toHaveBeenCalledTimes(1);
  });
});

describe('mqtt_outbox_overflow in the alarm book', () => {
  it('is a warning raised and cleared through the runtime external condition', () => {
    const config = appConfigSchema().parse({ deviceId: 't' });
    const start = { mono: 0, wall: Date.UTC(2026, 0, 1) };
    const runtime = new ControlRuntime(
      {
        channels: config.channels,
        setpoints: DEFAULT_SETPOINTS,
        alarmLimits: config.alarms,
        startupGoodSamples: 3,
      },
      start,
    );
    const sample = { ok: true as const, currentsMa: [17.4, 17.4, 12, 4] };
    expect(runtime.alarms.get(MQTT_OVERFLOW_ALARM_ID)).toMatchObject({
      severity: 'warning',
      state: 'normal',
    });
    runtime.setExternalCondition(MQTT_OVERFLOW_ALARM_ID, true);
    const raised = runtime.tick(sample, { mono: 100, wall: start.wall + 100 });
    expect(raised.alarmEvents.map((e) => [e.alarm.id, e.alarm.state])).toContainEqual([
      MQTT_OVERFLOW_ALARM_ID,
      'active-unacked',
    ]);
    runtime.setExternalCondition(MQTT_OVERFLOW_ALARM_ID, false);
    runtime.tick(sample, { mono: 200, wall: start.wall + 200 });
    // Cleared but never acknowledged: an operator still sees that data was lost.
    expect(runtime.alarms.get(MQTT_OVERFLOW_ALARM_ID)?.state).toBe('cleared-unacked');
  });
});
