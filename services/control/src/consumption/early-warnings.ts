import type { LogisticsSettings } from '../config/logistics-config.schema';
import { entriesWithin, rateOver, usualFillSpeed } from './consumption-estimate';
import { FillEntry, fillSpeedPctPerMin, TimelineEntry } from './timeline';

/** Hysteresis shared by both warnings: raise at `factor`, clear below `factor − deadband`. */
function withHysteresis(
  ratio: number | null,
  wasActive: boolean,
  s: { factor: number; deadband: number },
): boolean {
  if (ratio === null) return false;
  return ratio >= (wasActive ? s.factor - s.deadband : s.factor);
}

/**
 * `boiloff_high`: a dewar losing its vacuum boils off faster days before it fails. The recent
 * consumption (the last `recentH`) against its own baseline (the `baselineH` before that):
 * raised at `factor` times the baseline, once the baseline rests on `minBaselineH` of data.
 */
export function boiloffCondition(
  entries: readonly TimelineEntry[],
  s: LogisticsSettings['boiloff'],
  wasActive: boolean,
): { active: boolean; recent: number | null; baseline: number | null } {
  const recentS = s.recentH * 3600;
  const recent = rateOver(entriesWithin(entries, recentS), s.recentH / 2).ratePctPerH;
  const baseline = rateOver(
    entriesWithin(entries, s.baselineH * 3600, recentS),
    s.minBaselineH,
  ).ratePctPerH;
  // A baseline that does not drain (a sensor drifting up) is no reference.
  const ratio = recent !== null && baseline !== null && baseline > 0 ? recent / baseline : null;
  return { active: withHysteresis(ratio, wasActive, s), recent, baseline };
}

/** What the supply warning needs of the fill in progress. */
export interface OpenFillView {
  readonly elapsedS: number;
  readonly levelFromPct: number | null;
}

/**
 * `supply_slow`: fills much slower than usual (the supply dewar running low, an iced line).
 * Judged when a fill ends (`isSlowFill`, kept with the fill) and while one runs: a fill already
 * `factor` times longer than the usual speed needs to reach `fillStopPct` raises it before the
 * fill times out. Cleared by the next fill of normal speed.
 */
export class SupplyWarning {
  constructor(private readonly s: LogisticsSettings['supply']) {}

  /** Slowdown of a finished fill against the usual speed of the fills before it. */
  isSlowFill(fill: FillEntry, before: readonly TimelineEntry[], wasActive: boolean): boolean {
    const ratio = this.slowdown(fillSpeedPctPerMin(fill), before);
    return withHysteresis(ratio, wasActive, this.s);
  }

  condition(
    entries: readonly TimelineEntry[],
    openFill: OpenFillView | null,
    fillStopPct: number,
  ): boolean {
    const usual = this.usual(entries);
    if (openFill && usual !== null && openFill.levelFromPct !== null) {
      const expectedS = (Math.max(0, fillStopPct - openFill.levelFromPct) / usual) * 60;
      if (expectedS > 0 && openFill.elapsedS >= expectedS * this.s.factor) return true;
    }
    const last = [...entries]
      .reverse()
      .find((e): e is FillEntry => e.kind === 'fill' && (e.complete || e.slow));
    // Otherwise the last judged fill decides (judged against the fills before it when it
    // ended, with the hysteresis of that moment). A fill the operator or an interlock cut
    // short says nothing about the supply: it is skipped. A complete fill under 30 s is fast.
    return last?.slow ?? false;
  }

  /** The usual speed, %/min, or null while fewer than `minUsualFills` are known. */
  usual(entries: readonly TimelineEntry[]): number | null {
    const { speed, fills } = usualFillSpeed(entries, this.s.usualFills);
    return fills >= this.s.minUsualFills ? speed : null;
  }

  private slowdown(speed: number, before: readonly TimelineEntry[]): number | null {
    const usual = this.usual(before);
    if (usual === null || usual <= 0) return null;
    return speed <= 0 ? Infinity : usual / speed;
  }
}
