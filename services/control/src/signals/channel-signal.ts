import type { ChannelReading, Quality } from '@cryopilot/protocol';
import { classifyLoopCurrent, EngineeringRange, valueForQuality } from './signal-quality';

/** What the signal layer needs to know about one channel (from config). */
export interface ChannelSignalConfig {
  readonly id: string;
  readonly label: string;
  readonly unit: string;
  readonly range: EngineeringRange;
  /** Seconds after start (or after a wire break is repaired) during which nothing is trusted. */
  readonly warmupS: number;
}

/**
 * Turns raw loop currents of one channel into readings with quality, sample after sample.
 * Stateful only in time: warm-up start and the last fresh sample (for staleness).
 *
 * Warm-up restarts when the channel leaves `bad`: a transmitter that was unplugged or lost its
 * supply warms up again and may output a normal-looking current meanwhile (design/safety.md).
 */
export class ChannelSignal {
  private warmupStartMono: number;
  private lastFreshMono: number | null = null;
  private lastMa: number | null = null;
  private lastQuality: Quality = 'stale';

  constructor(
    readonly config: ChannelSignalConfig,
    startMono: number,
    /** A sample older than this (ms, control clock) is stale: 3 sample periods. */
    private readonly staleAfterMs: number,
  ) {
    this.warmupStartMono = startMono;
  }

  /** A fresh loop current was read at `mono`. */
  update(mA: number, mono: number, wallTs: string): ChannelReading {
    const band = classifyLoopCurrent(mA);
    if (band !== 'bad' && this.lastQuality === 'bad') this.warmupStartMono = mono;
    const warmingUp = mono - this.warmupStartMono < this.config.warmupS * 1000;
    const quality: Quality = band === 'bad' ? 'bad' : warmingUp ? 'warmup' : band;
    this.lastFreshMono = mono;
    this.lastMa = mA;
    this.lastQuality = quality;
    return this.reading(quality, mA, wallTs);
  }

  /**
   * No fresh current this period (read failed after retries). The reading is `stale` at once:
   * the last value is history, not a measurement.
   */
  markReadFailed(wallTs: string): ChannelReading {
    this.lastQuality = 'stale';
    return this.reading('stale', this.lastMa, wallTs);
  }

  /** Staleness check without a new sample: true when the last fresh sample is too old. */
  isStale(mono: number): boolean {
    return this.lastFreshMono === null || mono - this.lastFreshMono > this.staleAfterMs;
  }

  private reading(quality: Quality, mA: number | null, ts: string): ChannelReading {
    return {
      id: this.config.id,
      label: this.config.label,
      unit: this.config.unit,
      mA: mA === null ? null : Math.round(mA * 1000) / 1000,
      quality,
      value: mA === null ? null : valueForQuality(mA, quality, this.config.range),
      ts,
    };
  }
}
