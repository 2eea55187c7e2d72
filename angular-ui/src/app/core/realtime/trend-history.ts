import type { SampleChannel, Trend, TrendEvent } from '@cryopilot/protocol';

/** Most points per window: 15 minutes at 10 samples/s keeps every sample. */
const MAX_POINTS = 10_000;

/**
 * The chart's data, as uPlot wants it: one time column (seconds) and one column per series.
 * Filled from the snapshot's (or `/api/trend`'s) thinned history, then from live samples;
 * points older than the window are dropped. For long windows live points are thinned too, so
 * a four-hour chart does not redraw 144 000 points (at most `MAX_POINTS` per window).
 */
export class TrendHistory {
  /** Epoch seconds. */
  t: number[] = [];
  readonly values = new Map<string, Array<number | null>>();
  valve: number[] = [];
  /** Markers (alarms raised, fills), oldest first, epoch ms. */
  events: TrendEvent[] = [];

  constructor(
    private readonly channelIds: readonly string[],
    private windowMs: number,
  ) {
    for (const id of channelIds) this.values.set(id, []);
  }

  get window(): number {
    return this.windowMs;
  }

  /** Replaces everything with the server's history (a new window or a fresh snapshot). */
  load(trend: Trend, windowMs: number): void {
    this.windowMs = windowMs;
    this.t = trend.t.map((ms) => ms / 1000);
    for (const id of this.channelIds) {
      this.values.set(id, [...(trend.channels[id] ?? trend.t.map(() => null))]);
    }
    this.valve = [...trend.valve];
    this.events = [...(trend.events ?? [])];
  }

  /** A marker seen live (an alarm raised, the valve opening or closing). */
  addEvent(event: TrendEvent): void {
    this.events.push(event);
  }

  /** Appends a live sample (unless too close to the previous point for this window). */
  append(tsMs: number, channels: Record<string, SampleChannel>, valveOutput: number): void {
    const t = tsMs / 1000;
    const last = this.t.at(-1);
    const minGapS = this.windowMs / 1000 / MAX_POINTS;
    if (last !== undefined && t - last < minGapS) return;
    this.t.push(t);
    for (const id of this.channelIds) this.values.get(id)?.push(channels[id]?.value ?? null);
    this.valve.push(valveOutput);
    this.trim(t - this.windowMs / 1000);
  }

  /** The last `seconds` of one channel, for sparklines. */
  recent(id: string, seconds: number): { t: number[]; v: Array<number | null> } {
    const end = this.t.at(-1) ?? 0;
    let start = this.t.length;
    while (start > 0 && this.t[start - 1] >= end - seconds) start--;
    return { t: this.t.slice(start), v: (this.values.get(id) ?? []).slice(start) };
  }

  private trim(oldestS: number): void {
    while (this.events.length > 0 && this.events[0].t < oldestS * 1000) this.events.shift();
    let drop = 0;
    while (drop < this.t.length && this.t[drop] < oldestS) drop++;
    if (drop === 0) return;
    this.t.splice(0, drop);
    for (const column of this.values.values()) column.splice(0, drop);
    this.valve.splice(0, drop);
  }
}
