import { mqttTelemetrySchema } from '@cryopilot/protocol';
import type { TickOutcome } from '../../control/control-runtime';
import { asStreamRecord, streamRecordsOf, telemetryPayload } from './mqtt-payloads';

const outcome = {
  seq: 7,
  wallMs: 0,
  ts: '2026-01-01T00:00:00.700Z',
  channels: [
    { id: 'o2_1', label: 'O2', value: 20.9, unit: '%vol', mA: 17.4, quality: 'good', ts: 'x' },
    { id: 'ln2_level', label: 'L', value: null, unit: '%', mA: 2, quality: 'bad', ts: 'x' },
  ],
  valve: { open: true, output: 100 },
  alarmEvents: [{ alarm: { id: 'level_sensor_fault' }, previousState: 'normal', ts: 'x' }],
  fillEvents: [{ event: 'ended', fill: { start: 'x' }, ts: 'x' }],
} as unknown as TickOutcome;

describe('MQTT payloads', () => {
  it('builds the telemetry contract from a tick', () => {
    const body = telemetryPayload(outcome);
    expect(mqttTelemetrySchema.parse(body)).toEqual({
      seq: 7,
      ts: '2026-01-01T00:00:00.700Z',
      channels: { o2_1: 20.9, ln2_level: null },
      quality: { o2_1: 'good', ln2_level: 'bad' },
      valve: { open: true, output: 100 },
    });
  });

  it('gives one stream record per sample, per alarm transition and per fill event', () => {
    expect(streamRecordsOf(outcome).map((r) => r.kind)).toEqual([
      'telemetry',
      'alarm-event',
      'fill-event',
    ]);
  });

  it('reads back only records of its own shape', () => {
    expect(asStreamRecord({ kind: 'telemetry', body: { seq: 1 } })).not.toBeNull();
    expect(asStreamRecord({ kind: 'fill-event', body: { event: 'ended' } })).not.toBeNull();
    expect(asStreamRecord({ kind: 'other', body: {} })).toBeNull();
    expect(asStreamRecord({ kind: 'telemetry' })).toBeNull();
    expect(asStreamRecord('x')).toBeNull();
  });
});
