import type { Alarm, AuditRecord, ChannelReading, Quality } from '@cryopilot/protocol';
import {
  alarmLine,
  auditLine,
  channelLine,
  diagnosticsLine,
  fillLine,
  linkLine,
  valveLine,
} from '../../../src/telemetry/telemetry-points';

export const DEVICE = 'pi';

const reading = (
  id: string,
  unit: string,
  value: number,
  quality: Quality = 'good',
): ChannelReading => ({
  id,
  label: id,
  unit,
  value: quality === 'good' || quality === 'uncertain' ? value : null,
  mA: 4 + (value / (unit === '%' ? 100 : 25)) * 16,
  quality,
  ts: '',
});

function alarm(id: string, severity: Alarm['severity'], active: boolean): Alarm {
  return {
    id,
    severity,
    message: `${id} message`,
    state: active ? 'active-unacked' : 'cleared-unacked',
    active,
    acked: false,
    latching: id === 'fill_timeout',
    activeSince: null,
    lastChange: '',
    ackedBy: null,
    ackComment: null,
    shelvedUntil: null,
    shelvedBy: null,
  };
}

/**
 * Half an hour of one installation, as the service writes it (its own point builders): samples
 * every 5 s with an O2 dip and a level sensor wire break near the end, valve changes, alarm
 * transitions (fill timeout included), operator commands, diagnostics and link states.
 */
export function serviceLines(endMs: number): string[] {
  const lines: string[] = [];
  const start = endMs - 30 * 60_000;
  let seq = 0;
  for (let t = start; t <= endMs; t += 5000) {
    seq += 1;
    const minutesLeft = (endMs - t) / 60_000;
    const o2 = minutesLeft < 3 ? 17.5 : 20.9;
    const levelQuality: Quality = minutesLeft < 1 ? 'bad' : 'good';
    lines.push(
      channelLine(DEVICE, reading('o2_1', '%vol', o2), seq, t),
      channelLine(DEVICE, reading('o2_2', '%vol', 20.8), seq, t),
      channelLine(DEVICE, reading('ln2_level', '%', 60 - minutesLeft, levelQuality), seq, t),
    );
    if (seq % 12 === 1) {
      const open = seq % 24 === 1;
      lines.push(
        valveLine(
          DEVICE,
          {
            open,
            output: open ? 100 : 0,
            mode: 'auto',
            reason: open ? 'filling: level 18 % < 20 %' : 'idle: level 40 % ≥ 20 %',
            reasonCode: open ? 'fill_start' : 'idle',
            reasonParams: open
              ? { levelPct: 18, fillStartPct: 20 }
              : { levelPct: 40, fillStartPct: 20 },
            interlocks: [],
            since: '',
            manualUntil: null,
            autoReturnAt: null,
            manualOpen: { allowed: false, blockedBy: ['auto_mode' as const] },
          },
          t,
        ),
      );
      lines.push(
        diagnosticsLine(DEVICE, { cpuTempC: 48.5, supplyV: 24.1, pi5vV: 5.05, i2cErrors: seq }, t),
      );
    }
  }
  lines.push(
    alarmLine(DEVICE, alarm('o2_low', 'warning', true), endMs - 170_000),
    alarmLine(DEVICE, alarm('fill_timeout', 'warning', true), endMs - 120_000),
    alarmLine(DEVICE, alarm('level_sensor_fault', 'warning', true), endMs - 55_000),
  );
  const audit = (command: string, ok: boolean, minutesAgo: number): AuditRecord => ({
    ts: new Date(endMs - minutesAgo * 60_000).toISOString(),
    id: `cmd-${command}-${minutesAgo}`,
    user: 'ann',
    role: 'operator',
    source: 'http',
    command,
    args: { mode: 'manual' },
    ok,
    ...(ok ? {} : { error: { code: 'refused' as const, message: 'interlock active' } }),
  });
  lines.push(
    auditLine(DEVICE, audit('mode.set', true, 20)),
    auditLine(DEVICE, audit('valve.open', false, 10)),
  );
  // Two fills: an auto one to the stop level, a manual one ended by its timer.
  for (const [minutesAgo, mode, endedBy, user] of [
    [25, 'auto', 'stop_level', undefined],
    [8, 'manual', 'timer', 'ann'],
  ] as const) {
    const fill = {
      start: new Date(endMs - (minutesAgo + 12) * 60_000).toISOString(),
      end: new Date(endMs - minutesAgo * 60_000).toISOString(),
      durationS: 720,
      levelFromPct: 19.5,
      levelToPct: 80.2,
      mode,
      endedBy,
      ...(user ? { user } : {}),
    };
    lines.push(fillLine(DEVICE, fill)!);
  }
  for (const [link, state, minutesAgo] of [
    ['hardware', 'connected', 29],
    ['mqtt', 'connected', 29],
    ['telemetry', 'disconnected', 15],
    ['telemetry', 'connected', 12],
  ] as const) {
    lines.push(linkLine(DEVICE, link, state, endMs - minutesAgo * 60_000));
  }
  return lines;
}
