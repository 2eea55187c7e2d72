import type { Mode, Setpoints } from '@cryopilot/protocol';

/**
 * An independent reference of the written safety rules (docs/safety.md), fed only with what
 * a history did — the loop currents the card read, whether the read worked, the commands the
 * service accepted, restarts, time — and asked after every step whether the valve may be open.
 * It never looks at the service's own interlocks, qualities or alarm states; it keeps its own
 * (warm-up, start-up count, latched trips, manual window, fill timer) from the rules.
 *
 * It states what must hold, not everything the service does: where the service is stricter
 * (minimum off time, the O2 deadband before a reset), the judge simply allows more.
 */
export interface JudgeChannels {
  /** Warm-up of the O2 transmitters (s). */
  readonly o2WarmupS: number;
  /** The O2 channels' and the level channel's engineering ranges (value at 4 and 20 mA). */
  readonly o2Range: { readonly min: number; readonly max: number };
  readonly levelRange: { readonly min: number; readonly max: number };
  /** Good level samples needed after a start before any fill. */
  readonly startupGoodSamples: number;
}

/** What one sample read: the level and O2 loop currents, or a failed read. */
export type JudgedSample =
  | { readonly readOk: true; readonly levelMa: number; readonly o2Ma: readonly number[] }
  | { readonly readOk: false };

/** The judge's view of the last sample: what blocks a fill, and the values it used. */
export interface Conditions {
  /** Reasons any fill (auto or manual) is forbidden now; empty when none. */
  readonly blocking: readonly string[];
  readonly level: number | null;
  /** O2 values that may be trusted (good or uncertain, past warm-up). */
  readonly usableO2: readonly number[];
}

type Band = 'good' | 'uncertain' | 'bad';

/** NAMUR NE43, as docs/safety.md states it. */
export function ne43Band(mA: number): Band {
  if (!Number.isFinite(mA) || mA < 3.6 || mA > 21) return 'bad';
  if (mA < 3.8 || mA > 20.5) return 'uncertain';
  return 'good';
}

function scaled(mA: number, range: { min: number; max: number }): number {
  const value = range.min + ((mA - 4) * (range.max - range.min)) / 16;
  return Math.min(Math.max(value, Math.min(range.min, range.max)), Math.max(range.min, range.max));
}

export class SafetyJudge {
  mode: Mode = 'auto';
  stopped = false;
  o2Latched = false;
  fillTimeoutLatched = false;
  /** End of the accepted manual open (control clock), or null. */
  manualUntil: number | null = null;
  private startupRun = 0;
  private startupDone = false;
  private o2WarmFrom: number[];
  private o2Faulted: boolean[];
  /** When the valve (as the service drives it) last opened; null while closed. */
  private openSince: number | null = null;
  private conditions: Conditions = { blocking: ['no sample yet'], level: null, usableO2: [] };

  constructor(
    private readonly channels: JudgeChannels,
    o2Count: number,
    public setpoints: Setpoints,
    boot: number,
  ) {
    this.o2WarmFrom = Array.from({ length: o2Count }, () => boot);
    this.o2Faulted = Array.from({ length: o2Count }, () => false);
  }

  /**
   * The last sample's conditions, with the O2 latch as it is now: a reset accepted since that
   * sample lifts it at once (the service re-decides on the reset, not at the next sample).
   */
  get last(): Conditions {
    const latch = this.o2Latched ? ['O2 trip latched (reset required)'] : [];
    return { ...this.conditions, blocking: [...this.conditions.blocking, ...latch] };
  }

  /** A (re)start at `mono`: warm-up and the start-up count begin again; mode and trips stay. */
  onBoot(mono: number): void {
    this.o2WarmFrom = this.o2WarmFrom.map(() => mono);
    this.o2Faulted = this.o2Faulted.map(() => false);
    this.startupRun = 0;
    this.startupDone = false;
    this.manualUntil = null;
    this.openSince = null;
    this.stopped = false;
    this.conditions = { blocking: ['no sample since start'], level: null, usableO2: [] };
  }

  /** A sample at `mono`. Returns whether the valve may be open after it, and why not. */
  onSample(mono: number, sample: JudgedSample): { allowed: boolean; why: string } {
    const wasOpen = this.openSince !== null;
    const sp = this.setpoints;
    const blocking: string[] = [];
    let level: number | null = null;
    const usableO2: number[] = [];
    if (!sample.readOk) {
      blocking.push('card read failed');
      this.startupRun = 0;
    } else {
      const levelGood = ne43Band(sample.levelMa) === 'good';
      level = levelGood ? scaled(sample.levelMa, this.channels.levelRange) : null;
      if (!this.startupDone) {
        this.startupRun = levelGood ? this.startupRun + 1 : 0;
        this.startupDone = this.startupRun >= this.channels.startupGoodSamples;
      }
      sample.o2Ma.forEach((mA, i) => {
        if (ne43Band(mA) === 'bad') {
          this.o2Faulted[i] = true;
          return;
        }
        if (this.o2Faulted[i]) {
          this.o2Faulted[i] = false;
          this.o2WarmFrom[i] = mono;
        }
        if (mono - this.o2WarmFrom[i] >= this.channels.o2WarmupS * 1000) {
          usableO2.push(scaled(mA, this.channels.o2Range));
        }
      });
      if (level === null) blocking.push('level not good');
      else if (level >= sp.levelHighHighPct) blocking.push('level at or above high-high');
    }
    if (!this.startupDone) blocking.push('start-up: level not yet good for enough samples');
    if (usableO2.length === 0) blocking.push('no trustworthy O2 reading');
    if (usableO2.some((v) => v < sp.o2LowLowPct)) {
      blocking.push('O2 below low-low');
      this.o2Latched = true;
    }
    this.conditions = { blocking, level, usableO2 };
    const blockingNow = this.last.blocking;

    // The fill timer: an auto fill that would go on past maxFillS must stop and latch — the
    // service checks it after the interlocks and the stop level, so the latch is set only
    // when neither of those closed the valve first.
    const fillS = this.openSince === null ? 0 : (mono - this.openSince) / 1000;
    const timedOut =
      this.mode === 'auto' &&
      wasOpen &&
      blockingNow.length === 0 &&
      level !== null &&
      level < sp.fillStopPct &&
      fillS > sp.maxFillS;
    if (timedOut) this.fillTimeoutLatched = true;
    if (this.manualUntil !== null && (blockingNow.length > 0 || mono >= this.manualUntil)) {
      // A manual open ends on any interlock, and when its time is up; it never resumes.
      this.manualUntil = null;
    }
    return this.verdict(mono);
  }

  /** Whether the valve may be open now, with the last sample's conditions. */
  verdict(mono: number): { allowed: boolean; why: string } {
    const { blocking, level } = this.last;
    if (blocking.length > 0) return { allowed: false, why: blocking.join('; ') };
    if (this.mode === 'manual') {
      return this.manualUntil !== null && mono < this.manualUntil
        ? { allowed: true, why: 'manual open within its time' }
        : { allowed: false, why: 'manual mode without a running manual open' };
    }
    if (this.fillTimeoutLatched) return { allowed: false, why: 'fill timeout latched' };
    if (level === null || level >= this.setpoints.fillStopPct) {
      return { allowed: false, why: `level ${level} at or above the stop level` };
    }
    const fillS = this.openSince === null ? 0 : (mono - this.openSince) / 1000;
    if (fillS > this.setpoints.maxFillS) {
      return { allowed: false, why: `fill running ${fillS} s > maxFillS` };
    }
    return { allowed: true, why: 'auto fill allowed' };
  }

  /** The valve as the service now drives it (after a sample or a request). */
  observeValve(mono: number, open: boolean): void {
    if (open && this.openSince === null) this.openSince = mono;
    if (!open) this.openSince = null;
  }
}
