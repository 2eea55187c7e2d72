import type { Setpoints } from '@cryopilot/protocol';
import type { TrendPalette } from './palette';

export type ThresholdTone = 'critical' | 'warning' | 'neutral';

/** A labelled horizontal line on the trend. */
export interface Threshold {
  /** The uPlot scale it belongs to: O2 (%vol, left axis) or percent (level, right axis). */
  readonly scale: 'o2' | 'pct';
  readonly value: number;
  /** As shown on the chart and below it: "O2 low 19.5 %". */
  readonly label: string;
  readonly tone: ThresholdTone;
  /** Label under the line: the O2 trip sits just under O2 low, their labels must not meet. */
  readonly labelBelow: boolean;
}

type Say = (key: ThresholdKey, params: { value: string }) => string;
export type ThresholdKey =
  | 'trend.threshold.o2LowLow'
  | 'trend.threshold.o2Low'
  | 'trend.threshold.fillStart'
  | 'trend.threshold.fillStop';

/** The thresholds in force, labelled in the page's language with its number format. */
export function thresholds(
  setpoints: Setpoints,
  say: Say,
  formatNumber: (value: number, decimals: number) => string,
): Threshold[] {
  const value = (v: number) => formatNumber(v, Number.isInteger(v) ? 0 : 1);
  const line = (
    scale: Threshold['scale'],
    v: number,
    key: ThresholdKey,
    tone: ThresholdTone,
    labelBelow = false,
  ): Threshold => ({ scale, value: v, label: say(key, { value: value(v) }), tone, labelBelow });
  return [
    line('o2', setpoints.o2LowLowPct, 'trend.threshold.o2LowLow', 'critical', true),
    line('o2', setpoints.o2LowPct, 'trend.threshold.o2Low', 'warning'),
    line('pct', setpoints.fillStartPct, 'trend.threshold.fillStart', 'neutral'),
    line('pct', setpoints.fillStopPct, 'trend.threshold.fillStop', 'neutral'),
  ];
}

export const toneColour = (palette: TrendPalette, tone: ThresholdTone): string => palette[tone];
