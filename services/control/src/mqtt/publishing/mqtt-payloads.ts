import type { AlarmEvent, FillEvent, MqttTelemetry } from '@cryopilot/protocol';
import type { TickOutcome } from '../../control/control-runtime';

/**
 * A message of the streams that must survive outages (`telemetry`, `alarms/events`,
 * `fills/events`):
 * what the outbox stores and replays. It keeps the kind, not the topic, so a changed base
 * topic after a restart still routes buffered records correctly.
 */
export type StreamRecord =
  | { readonly kind: 'telemetry'; readonly body: MqttTelemetry }
  | { readonly kind: 'alarm-event'; readonly body: AlarmEvent }
  | { readonly kind: 'fill-event'; readonly body: FillEvent };

/** `…/telemetry`: `{seq, ts, channels:{id:value}, quality:{id:q}, valve:{open,output}}`. */
export function telemetryPayload(outcome: TickOutcome): MqttTelemetry {
  const channels: Record<string, number | null> = {};
  const quality: MqttTelemetry['quality'] = {};
  for (const reading of outcome.channels) {
    channels[reading.id] = reading.value;
    quality[reading.id] = reading.quality;
  }
  return {
    seq: outcome.seq,
    ts: outcome.ts,
    channels,
    quality,
    valve: { open: outcome.valve.open, output: outcome.valve.output },
  };
}

/** The stream records of one sample: its telemetry, its alarm transitions, its fill events. */
export function streamRecordsOf(outcome: TickOutcome): StreamRecord[] {
  return [
    { kind: 'telemetry', body: telemetryPayload(outcome) },
    ...outcome.alarmEvents.map((body): StreamRecord => ({ kind: 'alarm-event', body })),
    ...outcome.fillEvents.map((body): StreamRecord => ({ kind: 'fill-event', body })),
  ];
}

/** Parses an outbox line back into a record; null for anything that is not one of ours. */
export function asStreamRecord(value: unknown): StreamRecord | null {
  if (typeof value !== 'object' || value === null) return null;
  const record = value as { kind?: unknown; body?: unknown };
  if (typeof record.body !== 'object' || record.body === null) return null;
  if (
    record.kind === 'telemetry' ||
    record.kind === 'alarm-event' ||
    record.kind === 'fill-event'
  ) {
    return value as StreamRecord;
  }
  return null;
}
