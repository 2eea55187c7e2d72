/**
 * Least-squares line through the level samples of one idle stretch, accumulated in O(1) per
 * sample (sums only), so a 100 ms loop costs a few additions. Times are seconds from the
 * stretch's first sample, which keeps the sums well inside double precision.
 */
export class LevelStretch {
  private n = 0;
  private sumT = 0;
  private sumY = 0;
  private sumTT = 0;
  private sumTY = 0;
  private lastT = 0;

  constructor(readonly startMono: number) {}

  add(mono: number, levelPct: number): void {
    const t = (mono - this.startMono) / 1000;
    this.n += 1;
    this.sumT += t;
    this.sumY += levelPct;
    this.sumTT += t * t;
    this.sumTY += t * levelPct;
    this.lastT = t;
  }

  get samples(): number {
    return this.n;
  }

  /** Seconds between the first and the last sample. */
  get durationS(): number {
    return this.lastT;
  }

  /** Slope in %/s; null with fewer than two distinct times. */
  slope(): number | null {
    const denominator = this.n * this.sumTT - this.sumT * this.sumT;
    if (this.n < 2 || denominator <= 0) return null;
    return (this.n * this.sumTY - this.sumT * this.sumY) / denominator;
  }
}
