import type { ChannelReading, Quality } from '@cryopilot/protocol';
import { classifyLoopCurrent, EngineeringRange, valueForQuality } from './signal-quality';

/** What the signal layer needs to know about one channel (from config). */
export interface ChannelSignalConfig {
  readonly id: string;
  readonly label: string;
  /** The label in other languages, by two-letter code. */
  readonly labels?: Readonly<Record<string, string>>;
  readonly unit: string;
  readonly range: EngineeringRange;
  /** Seconds after start (or after a wire break is repaired) during which nothing is trusted. */
  readonly warmupS: number;
}

/**
 * Turns raw loop currents of one channel into readings with quality, sample after sample.
 * Stateful only in time: when the current warm-up started, and whether the transmitter has
 * been seen faulted (`bad`) since.
 *
 * Warm-up restarts when the channel comes back from `bad`: a transmitter that was unplugged or
 * lost its supply warms up again and may output a normal-looking current meanwhile
 * (docs/safety.md). Failed reads in between do not erase that memory: bad → read failure →
 * good still warms up.
 */
export class ChannelSignal {
  private warmupStartMono: number;
  private lastMa: number | null = null;
  /** Seen `bad` since the last warm-up started: the next usable current restarts warm-up. */
  private faultedSinceWarmup = false;

  constructor(
    readonly config: ChannelSignalConfig,
    startMono: number,
  ) {
    this.warmupStartMono = startMono;
  }

  /** A fresh loop current was read at `mono`. */
  update(mA: number, mono: number, wallTs: string): ChannelReading {
    const band = classifyLoopCurrent(mA);
    if (band === 'bad') {
      this.faultedSinceWarmup = true;
    } else if (this.faultedSinceWarmup) {
      this.faultedSinceWarmup = false;
      this.warmupStartMono = mono;
    }
    const warmingUp = mono - this.warmupStartMono < this.config.warmupS * 1000;
    const quality: Quality = band === 'bad' ? 'bad' : warmingUp ? 'warmup' : band;
    this.lastMa = mA;
    return this.reading(quality, mA, wallTs);
  }

  /**
   * No fresh current this period (the card read failed after retries). The reading is `stale`
   * at once: the last value is history, not a measurement.
   */
  markReadFailed(wallTs: string): ChannelReading {
    return this.reading('stale', this.lastMa, wallTs);
  }

  private reading(quality: Quality, mA: number | null, ts: string): ChannelReading {
    return {
      id: this.config.id,
      label: this.config.label,
      ...(this.config.labels ? { labels: this.config.labels } : {}),
      unit: this.config.unit,
      mA: mA === null ? null : Math.round(mA * 1000) / 1000,
      quality,
      value: mA === null ? null : valueForQuality(mA, quality, this.config.range),
      ts,
    };
  }
}
