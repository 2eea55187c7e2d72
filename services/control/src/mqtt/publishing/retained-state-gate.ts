import type { Alarm, ChannelReading, ValveState } from '@cryopilot/protocol';

/** When retained states are re-published (pure; times are wall-clock ms). */
export interface RetainedStatePolicy {
  /** A channel value moving by this fraction of its range is a change worth publishing. */
  readonly channelDeadbandFraction: number;
  /** Smaller changes (noise, the reading's `ts`) are published at most this often (ms). */
  readonly refreshMs: number;
}

export const DEFAULT_RETAINED_POLICY: RetainedStatePolicy = {
  channelDeadbandFraction: 0.005,
  refreshMs: 5_000,
};

interface Published {
  readonly atMs: number;
  readonly significant: string;
  readonly full: string;
  readonly value: number | null;
}

/**
 * Decides which retained state topics to publish after a sample: at once on a significant
 * change (quality, a value beyond the deadband, valve open/mode/interlocks, any alarm
 * change), at most every `refreshMs` for the rest (noise, the valve's reason text), never for
 * an identical state. So subscribers and Home Assistant see changes immediately without a
 * retained write per sample. `forgetAll()` after a (re)connect makes everything due again.
 */
export class RetainedStateGate {
  private readonly published = new Map<string, Published>();

  constructor(private readonly policy: RetainedStatePolicy = DEFAULT_RETAINED_POLICY) {}

  /** Whether to publish a channel reading, given its range span. */
  channelDue(reading: ChannelReading, span: number, nowMs: number): boolean {
    const last = this.published.get(`channel:${reading.id}`);
    if (!last) return true;
    const moved =
      reading.value !== null &&
      last.value !== null &&
      Math.abs(reading.value - last.value) >= span * this.policy.channelDeadbandFraction;
    return moved || this.due(last, reading.quality, JSON.stringify(reading), nowMs);
  }

  valveDue(valve: ValveState, nowMs: number): boolean {
    const last = this.published.get('valve');
    return !last || this.due(last, valveSignificant(valve), JSON.stringify(valve), nowMs);
  }

  /** Alarm changes are rare and always significant. */
  alarmsDue(alarms: readonly Alarm[]): boolean {
    return this.published.get('alarms')?.full !== JSON.stringify(alarms);
  }

  /** Records what was actually published (only then: a state not sent stays due). */
  markChannel(reading: ChannelReading, nowMs: number): void {
    this.mark(
      `channel:${reading.id}`,
      reading.quality,
      JSON.stringify(reading),
      reading.value,
      nowMs,
    );
  }

  markValve(valve: ValveState, nowMs: number): void {
    this.mark('valve', valveSignificant(valve), JSON.stringify(valve), null, nowMs);
  }

  markAlarms(alarms: readonly Alarm[], nowMs: number): void {
    const text = JSON.stringify(alarms);
    this.mark('alarms', text, text, null, nowMs);
  }

  forgetAll(): void {
    this.published.clear();
  }

  private due(last: Published, significant: string, full: string, nowMs: number): boolean {
    if (significant !== last.significant) return true;
    return full !== last.full && nowMs - last.atMs >= this.policy.refreshMs;
  }

  private mark(
    key: string,
    significant: string,
    full: string,
    value: number | null,
    nowMs: number,
  ): void {
    this.published.set(key, { atMs: nowMs, significant, full, value });
  }
}

/**
 * Everything about the valve except the reason's sentence and parameters, which change with
 * the level and the seconds left (its code stays: idle → filling is news).
 */
function valveSignificant(valve: ValveState): string {
  return JSON.stringify({ ...valve, reason: undefined, reasonParams: undefined });
}
