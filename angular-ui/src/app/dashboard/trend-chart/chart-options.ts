import type { Setpoints } from '@cryopilot/protocol';
import uPlot from 'uplot';
import type { ChannelView } from '../../core/realtime/realtime-state';

const COLOURS = ['#1f6fb2', '#7a4fb5', '#0f8a6a', '#b5651d'];

/** Axis text and grid in the page's theme (light or dark), read when the chart draws. */
const themed = (variable: string, fallback: string) => () =>
  getComputedStyle(document.documentElement).getPropertyValue(variable).trim() || fallback;
const axisInk = themed('--ink-2', '#444');
const gridLine = themed('--line', '#d3d9e0');

/** Trend windows offered: 15 min, 1 h, 4 h, … up to what the service keeps. */
export function chartRanges(retainMinutes: number): number[] {
  return [15, 60, 240, 720, 1440].filter((m) => m <= Math.max(15, retainMinutes));
}

/**
 * uPlot options: O2 channels on the left axis (%vol), the level and the valve output on the
 * right (%); threshold lines drawn in the `draw` hook from the current setpoints; the x range
 * always ends at the newest point and spans the selected window.
 */
export function chartOptions(
  channels: readonly ChannelView[],
  valveLabel: string,
  setpoints: () => Setpoints | null,
  minutes: () => number,
  width: number,
  locale: () => string,
): uPlot.Options {
  const clock = (seconds: number) =>
    new Date(seconds * 1000).toLocaleTimeString(locale(), {
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    });
  const scaleOf = (c: ChannelView) => (c.unit === '%vol' ? 'o2' : 'pct');
  return {
    width: Math.max(280, width),
    height: 260,
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: true, range: (_u, _min, max) => [max - minutes() * 60, max] },
      o2: { range: [0, 25] },
      pct: { range: [0, 100] },
    },
    axes: [
      { stroke: axisInk, grid: { stroke: gridLine }, values: (_u, splits) => splits.map(clock) },
      { scale: 'o2', label: '%vol', stroke: axisInk, grid: { stroke: gridLine }, size: 50 },
      { scale: 'pct', label: '%', side: 1, stroke: axisInk, size: 50, grid: { show: false } },
    ],
    series: [
      {},
      ...channels.map((c, i) => ({
        label: c.label,
        scale: scaleOf(c),
        stroke: COLOURS[i % COLOURS.length],
        width: 2,
        spanGaps: false,
      })),
      {
        label: valveLabel,
        scale: 'pct',
        stroke: 'rgba(15, 138, 106, 0.5)',
        fill: 'rgba(15, 138, 106, 0.12)',
        width: 1,
        paths: steppedPaths(),
      },
    ],
    hooks: { draw: [(u) => drawThresholds(u, setpoints())] },
  };
}

function steppedPaths(): uPlot.Series.PathBuilder | undefined {
  return uPlot.paths.stepped?.({ align: 1 });
}

/** Dashed horizontal lines at the O2 and level thresholds. */
function drawThresholds(u: uPlot, setpoints: Setpoints | null): void {
  if (!setpoints) return;
  const lines: Array<[string, number, string]> = [
    ['o2', setpoints.o2LowLowPct, '#b3261e'],
    ['o2', setpoints.o2LowPct, '#b26a00'],
    ['pct', setpoints.fillStartPct, '#1f6fb2'],
    ['pct', setpoints.fillStopPct, '#1f6fb2'],
  ];
  const ctx = u.ctx;
  ctx.save();
  ctx.setLineDash([6, 4]);
  ctx.lineWidth = 1;
  for (const [scale, value, colour] of lines) {
    const y = Math.round(u.valToPos(value, scale, true));
    ctx.strokeStyle = colour;
    ctx.beginPath();
    ctx.moveTo(u.bbox.left, y);
    ctx.lineTo(u.bbox.left + u.bbox.width, y);
    ctx.stroke();
  }
  ctx.restore();
}
