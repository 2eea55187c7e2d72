import type { Trend } from '@cryopilot/protocol';
import { MAX_CLAMPED_STEP_BACK_MS, TrendBuffer, type TrendSample } from './trend-buffer';

/** Width of a slot of the coarse tier: it keeps at most two samples per slot. */
export const COARSE_SLOT_MS = 1000;
/**
 * Below this many samples per slot the coarse tier would not save half the memory: a single
 * ring of every sample is kept instead (the default 500 ms period).
 */
const MIN_SAMPLES_PER_SLOT = 4;

/** A chart channel: its id and the span of its configured range (the slot reduction's scale). */
export interface TrendChannel {
  readonly id: string;
  readonly span: number;
}

export interface TrendHistoryOptions {
  /** Sampling period (ms): how many samples a span holds. */
  readonly periodMs: number;
  /** How far back queries reach (ms). */
  readonly retainMs: number;
  /** Most points a query returns (≥ 4). */
  readonly maxPoints: number;
}

/**
 * The chart history of the last `retainMs`, in memory, in two tiers. A query returns at most
 * `maxPoints` points, so a window of W ms is drawn with buckets of W / (maxPoints / 2): every
 * sample matters only for windows shorter than (maxPoints / 2) slots (10 min at 1200 points).
 * So the fine tier keeps every sample of that recent span, and the coarse tier, for the whole
 * retention, two samples per COARSE_SLOT_MS slot: the slot's first and the one that deviates
 * most from it, both carrying the slot's highest valve output — the reduction a query makes per
 * bucket (TrendBuffer.query), so spikes and short fills survive both steps. Deviations are
 * measured against each channel's configured span, in the slots and in queries, not against
 * the channel's range in the window: on a flat channel that range is noise, and 0.02 %vol of
 * it would outweigh a 3 %vol O2 dip on another channel (found by trend-history.spec.ts).
 *
 * At 100 ms over 4 h: 0.83 MB instead of 3.46 MB for every sample (24 h: 4.1 instead of 20.7).
 * At periods where a slot holds fewer than MIN_SAMPLES_PER_SLOT samples there is one tier.
 */
export class TrendHistory {
  private readonly fine: TrendBuffer;
  private readonly coarse: TrendBuffer | null;
  /** The current slot's samples, waiting to be reduced into the coarse tier. */
  private readonly slot: TrendBuffer | null;
  private slotIndex = Number.NaN;
  private newestT = Number.NaN;
  private readonly maxPoints: number;
  private readonly scales: readonly number[];

  /** @throws RangeError for a non-positive period or retention, or maxPoints < 4. */
  constructor(channels: readonly TrendChannel[], options: TrendHistoryOptions) {
    const { periodMs, retainMs, maxPoints } = options;
    const channelIds = channels.map((c) => c.id);
    this.scales = channels.map((c) => c.span);
    if (!(periodMs > 0) || !(retainMs > 0)) {
      throw new RangeError(`period and retention must be positive, got ${periodMs}, ${retainMs}`);
    }
    if (!Number.isInteger(maxPoints) || maxPoints < 4) {
      throw new RangeError(`maxPoints must be an integer ≥ 4, got ${maxPoints}`);
    }
    this.maxPoints = maxPoints;
    const fineSpanMs = Math.floor(maxPoints / 2) * COARSE_SLOT_MS;
    const perSlot = Math.ceil(COARSE_SLOT_MS / periodMs);
    const tiered = COARSE_SLOT_MS / periodMs >= MIN_SAMPLES_PER_SLOT && retainMs > fineSpanMs;
    if (!tiered) {
      this.fine = new TrendBuffer(channelIds, Math.ceil(retainMs / periodMs));
      this.coarse = null;
      this.slot = null;
      return;
    }
    // Two slots more than the span: a window of exactly the span is drawn from it alone.
    this.fine = new TrendBuffer(channelIds, Math.ceil(fineSpanMs / periodMs) + 2 * perSlot);
    this.coarse = new TrendBuffer(channelIds, 2 * Math.ceil(retainMs / COARSE_SLOT_MS) + 2);
    // Room for a late tick's jitter; a slot that still overflows is reduced early.
    this.slot = new TrendBuffer(channelIds, 2 * perSlot + 2);
  }

  /** Bytes held by the tiers' columns; fixed at construction. */
  get storageBytes(): number {
    return (
      this.fine.storageBytes + (this.coarse?.storageBytes ?? 0) + (this.slot?.storageBytes ?? 0)
    );
  }

  /** Stores one sample (non-finite times are dropped, as TrendBuffer does). */
  push(sample: TrendSample): void {
    const t = sample.t;
    if (!Number.isFinite(t)) return;
    if (t < this.newestT - MAX_CLAMPED_STEP_BACK_MS) {
      // A clock step back the ring cannot absorb: every tier starts over on the new time base.
      this.fine.clear();
      this.coarse?.clear();
      this.slot?.clear();
      this.slotIndex = Number.NaN;
      this.newestT = Number.NaN;
    }
    if (!(t < this.newestT)) this.newestT = t;
    this.fine.push(sample);
    if (!this.slot) return;
    const index = Math.floor(this.newestT / COARSE_SLOT_MS);
    if (index !== this.slotIndex || this.slot.size === this.slot.capacity) this.closeSlot();
    this.slotIndex = index;
    this.slot.push(sample);
  }

  /**
   * Samples with fromMs ≤ t ≤ toMs, oldest first, at most maxPoints of them (thinned as
   * TrendBuffer.query does). A window reaching past the fine tier is drawn from the coarse one
   * up to the fine tier's oldest sample and from the fine one after it, the points shared in
   * proportion to the time each part covers.
   */
  query(fromMs: number, toMs: number): Trend {
    const boundary = this.fine.oldestTime;
    const coarseOldest = this.coarse?.oldestTime ?? null;
    if (
      !this.coarse ||
      boundary === null ||
      coarseOldest === null ||
      coarseOldest >= boundary ||
      fromMs >= boundary
    ) {
      return this.fine.query(fromMs, toMs, this.maxPoints, { scales: this.scales });
    }
    if (toMs < boundary) {
      return this.coarse.query(fromMs, toMs, this.maxPoints, { scales: this.scales });
    }
    // Shared by the time each part has data for (a window longer than the uptime holds no
    // coarse samples before the coarse tier's oldest).
    const olderFrom = Math.max(fromMs, coarseOldest);
    const share = (boundary - olderFrom) / (toMs - olderFrom);
    const olderPoints = Math.min(
      this.maxPoints - 2,
      Math.max(2, Math.round(this.maxPoints * share)),
    );
    const older = this.coarse.query(fromMs, boundary, olderPoints, {
      toExclusive: true,
      scales: this.scales,
    });
    const recent = this.fine.query(boundary, toMs, this.maxPoints - olderPoints, {
      scales: this.scales,
    });
    const trend: Trend = { ...older, to: recent.to };
    trend.t.push(...recent.t);
    for (const id of Object.keys(trend.channels)) trend.channels[id].push(...recent.channels[id]);
    trend.valve.push(...recent.valve);
    return trend;
  }

  /** Reduces the current slot into (at most) two coarse samples. */
  private closeSlot(): void {
    if (!this.slot || !this.coarse || this.slot.size === 0) return;
    // Every sample of the slot: its times never pass newestT (TrendBuffer clamps small steps).
    const reduced = this.slot.query(this.slot.oldestTime ?? this.newestT, this.newestT, 2, {
      scales: this.scales,
    });
    this.slot.clear();
    for (let i = 0; i < reduced.t.length; i++) {
      const values: Record<string, number | null> = {};
      for (const id of Object.keys(reduced.channels)) values[id] = reduced.channels[id][i];
      this.coarse.push({ t: reduced.t[i], values, valveOutput: reduced.valve[i] });
    }
  }
}
