import {
  sessionInfo,
  type Alarm,
  type CommandResult,
  type Links,
  type Role,
  type SampleChannel,
  type Setpoints,
  type StateSnapshot,
  type Trend,
  type WsServerMessage,
} from '@cryopilot/protocol';
import type { TickOutcome } from '../control/control-runtime';

/** A server message as the bytes sent on the wire (encoded once, sent to every client). */
export function encodeMessage(message: WsServerMessage): Buffer {
  return Buffer.from(JSON.stringify(message), 'utf8');
}

export function snapshotMessage(
  state: StateSnapshot,
  trend: Trend,
  alarms: Alarm[],
  session: { user: string; role: Role },
  trendRetainMinutes: number,
): WsServerMessage {
  return {
    type: 'snapshot',
    state,
    trend,
    alarms,
    session: sessionInfo(session.user, session.role),
    trendRetainMinutes,
  };
}

/** The compact per-sample message: value, quality and mA per channel, and the valve. */
export function sampleMessage(outcome: TickOutcome): WsServerMessage {
  const channels: Record<string, SampleChannel> = {};
  for (const reading of outcome.channels) {
    channels[reading.id] = { value: reading.value, quality: reading.quality, mA: reading.mA };
  }
  return { type: 'sample', seq: outcome.seq, ts: outcome.ts, channels, valve: outcome.valve };
}

export function commandResultMessage(result: CommandResult): WsServerMessage {
  return result.ok
    ? { type: 'command-result', id: result.id, ok: true, result: result.result }
    : { type: 'command-result', id: result.id, ok: false, error: result.error };
}

export function linksMessage(links: Links): WsServerMessage {
  return { type: 'links', ...links };
}

export function setpointsMessage(setpoints: Setpoints): WsServerMessage {
  return { type: 'setpoints', setpoints };
}

/**
 * Finds the alarms that changed since the last call, whatever changed them (a tick, an
 * acknowledgement, a shelve expiring), by comparing every field the page shows.
 */
export class AlarmChangeTracker {
  private readonly seen = new Map<string, string>();

  /** Records the current alarms without reporting them (after a snapshot). */
  prime(alarms: readonly Alarm[]): void {
    for (const alarm of alarms) this.seen.set(alarm.id, JSON.stringify(alarm));
  }

  /** The alarms whose state differs from the last call. */
  changes(alarms: readonly Alarm[]): Alarm[] {
    const changed: Alarm[] = [];
    for (const alarm of alarms) {
      const signature = JSON.stringify(alarm);
      if (this.seen.get(alarm.id) === signature) continue;
      this.seen.set(alarm.id, signature);
      changed.push(alarm);
    }
    return changed;
  }
}
