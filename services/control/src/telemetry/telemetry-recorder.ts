import type { ValveState } from '@cryopilot/protocol';
import type { TickOutcome } from '../control/control-runtime';
import {
  alarmLine,
  channelLine,
  DiagnosticsSample,
  diagnosticsLine,
  fillLine,
  valveLine,
} from './telemetry-points';

export interface TelemetryRecorderOptions {
  /** Value of the `device` tag. */
  readonly device: string;
  /** The valve state is written again after this long without a change (ms). */
  readonly valveRepeatMs: number;
  /** Diagnostics are written every this long (ms). */
  readonly diagnosticsPeriodMs: number;
}

/**
 * Decides which points a sample produces (pure; timestamps are the sample's acquisition time):
 * - one `channel` point per channel, every sample;
 * - `valve` when its state changed (also by an operator command between samples) and every
 *   `valveRepeatMs`, so that a dashboard opened on any time range has a state to show;
 * - one `alarm` point per alarm transition;
 * - one `fill` point per finished fill;
 * - `diagnostics` every `diagnosticsPeriodMs`.
 */
export class TelemetryRecorder {
  private lastValveKey: string | null = null;
  private lastValveMs = -Infinity;
  private lastDiagnosticsMs = -Infinity;

  constructor(private readonly options: TelemetryRecorderOptions) {}

  /** The lines of one sample. `diagnostics` is asked for only when they are due. */
  linesFor(outcome: TickOutcome, diagnostics: () => DiagnosticsSample): string[] {
    const { device } = this.options;
    const t = outcome.wallMs;
    const lines = outcome.channels.map((reading) => channelLine(device, reading, outcome.seq, t));
    const valveKey = valveIdentity(outcome.valve);
    if (valveKey !== this.lastValveKey || t - this.lastValveMs >= this.options.valveRepeatMs) {
      lines.push(valveLine(device, outcome.valve, t));
      this.lastValveKey = valveKey;
      this.lastValveMs = t;
    }
    for (const event of outcome.alarmEvents) {
      lines.push(alarmLine(device, event.alarm, Date.parse(event.ts)));
    }
    for (const event of outcome.fillEvents) {
      const fill = event.event === 'ended' ? fillLine(device, event.fill) : null;
      if (fill !== null) lines.push(fill);
    }
    if (t - this.lastDiagnosticsMs >= this.options.diagnosticsPeriodMs) {
      lines.push(diagnosticsLine(device, diagnostics(), t));
      this.lastDiagnosticsMs = t;
    }
    return lines;
  }
}

/** What makes a valve state different; the reason text carries the live level, so not it. */
function valveIdentity(valve: ValveState): string {
  return `${valve.open}|${valve.output}|${valve.mode}|${valve.interlocks.join(',')}`;
}
