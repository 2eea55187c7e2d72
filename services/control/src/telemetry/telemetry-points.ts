import { Point } from '@influxdata/influxdb-client';
import type {
  Alarm,
  AuditRecord,
  ChannelReading,
  FillRecord,
  ValveState,
} from '@cryopilot/protocol';

/**
 * Line-protocol builders for the InfluxDB schema of docs/interfaces.md. Timestamps are the
 * acquisition time in **milliseconds** (writes use `precision=ms`), also when a point is
 * written late after an outage. Pure: Grafana tests load these very lines into a real InfluxDB.
 */

/** Serialises with millisecond timestamps. */
function line(point: Point): string {
  // Timestamps are set as epoch-ms numbers; emit them as they are (precision=ms).
  const text = point.toLineProtocol({
    convertTime: (t) => (t === undefined ? undefined : String(t)),
  });
  if (text === undefined) throw new Error('a point needs at least one field');
  return text;
}

/** `channel`: tags device, channel, unit; fields value (absent when null), ma, quality, seq. */
export function channelLine(
  device: string,
  reading: ChannelReading,
  seq: number,
  timeMs: number,
): string {
  const point = new Point('channel')
    .tag('device', device)
    .tag('channel', reading.id)
    .tag('unit', reading.unit)
    .stringField('quality', reading.quality)
    .intField('seq', seq)
    .timestamp(timeMs);
  if (reading.value !== null) point.floatField('value', reading.value);
  if (reading.mA !== null) point.floatField('ma', reading.mA);
  return line(point);
}

/** `valve`: tags device; fields open, output, mode, reason. */
export function valveLine(device: string, valve: ValveState, timeMs: number): string {
  return line(
    new Point('valve')
      .tag('device', device)
      .booleanField('open', valve.open)
      .floatField('output', valve.output)
      .stringField('mode', valve.mode)
      .stringField('reason', valve.reason)
      .timestamp(timeMs),
  );
}

/** `alarm`: tags device, alarm, severity; fields state, active, message. */
export function alarmLine(device: string, alarm: Alarm, timeMs: number): string {
  return line(
    new Point('alarm')
      .tag('device', device)
      .tag('alarm', alarm.id)
      .tag('severity', alarm.severity)
      .stringField('state', alarm.state)
      .booleanField('active', alarm.active)
      .stringField('message', alarm.message)
      .timestamp(timeMs),
  );
}

/** `audit`: tags device, source, command; fields user, ok, args (JSON), error (code). */
export function auditLine(device: string, record: AuditRecord): string {
  return line(
    new Point('audit')
      .tag('device', device)
      .tag('source', record.source)
      .tag('command', record.command)
      .stringField('user', record.user)
      .booleanField('ok', record.ok)
      .stringField('args', JSON.stringify(record.args ?? null))
      .stringField('error', record.error ? `${record.error.code}: ${record.error.message}` : '')
      .timestamp(Date.parse(record.ts)),
  );
}

/**
 * `fill` (an addition to the schema of interfaces.md), one point per finished fill at its end:
 * tags device, mode, ended_by; fields duration_s, level_from_pct, level_to_pct (when known),
 * rise_pct (to − from), user (manual fills).
 */
export function fillLine(device: string, fill: FillRecord): string | null {
  if (fill.end === null || fill.endedBy === null) return null;
  const point = new Point('fill')
    .tag('device', device)
    .tag('mode', fill.mode)
    .tag('ended_by', fill.endedBy)
    .timestamp(Date.parse(fill.end));
  if (fill.durationS !== null) point.floatField('duration_s', fill.durationS);
  if (fill.levelFromPct !== null) point.floatField('level_from_pct', fill.levelFromPct);
  if (fill.levelToPct !== null) point.floatField('level_to_pct', fill.levelToPct);
  if (fill.levelFromPct !== null && fill.levelToPct !== null) {
    point.floatField('rise_pct', fill.levelToPct - fill.levelFromPct);
  }
  point.stringField('user', fill.user ?? '');
  return line(point);
}

export interface DiagnosticsSample {
  readonly cpuTempC: number | null;
  readonly supplyV: number | null;
  readonly pi5vV: number | null;
  readonly i2cErrors: number;
}

/** `diagnostics`: tags device; fields cpu_temp_c, supply_v, pi5v_v (when known), i2c_errors. */
export function diagnosticsLine(device: string, d: DiagnosticsSample, timeMs: number): string {
  const point = new Point('diagnostics')
    .tag('device', device)
    .intField('i2c_errors', d.i2cErrors)
    .timestamp(timeMs);
  if (d.cpuTempC !== null) point.floatField('cpu_temp_c', d.cpuTempC);
  if (d.supplyV !== null) point.floatField('supply_v', d.supplyV);
  if (d.pi5vV !== null) point.floatField('pi5v_v', d.pi5vV);
  return line(point);
}

/**
 * `link` (an addition to the schema of interfaces.md): tags device, link (`hardware`, `mqtt`,
 * `telemetry`); fields state (connected/connecting/disconnected/disabled) and up (bool).
 * Written at each change: a telemetry outage shows up afterwards, replayed from the outbox.
 */
export function linkLine(device: string, link: string, state: string, timeMs: number): string {
  return line(
    new Point('link')
      .tag('device', device)
      .tag('link', link)
      .stringField('state', state)
      .booleanField('up', state === 'connected')
      .timestamp(timeMs),
  );
}
