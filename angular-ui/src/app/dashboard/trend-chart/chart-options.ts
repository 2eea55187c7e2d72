import type { TrendEvent } from '@cryopilot/protocol';
import uPlot from 'uplot';
import type { ChannelView } from '../../core/realtime/realtime-state';
import { layoutLabels } from './label-layout';
import { placeMarkers, type PlacedMarker } from './markers';
import {
  PALETTES,
  SERIES_BORDER_STYLES,
  SERIES_DASHES,
  type Theme,
  type TrendPalette,
} from './palette';
import { toneColour, type Threshold } from './thresholds';

/** Axis text and grid in the page's theme (light or dark), read when the chart draws. */
const themed = (variable: string, fallback: string) => () =>
  getComputedStyle(document.documentElement).getPropertyValue(variable).trim() || fallback;
const axisInk = themed('--ink-2', '#444');
const gridLine = themed('--line', '#d3d9e0');

/** Trend windows offered: 15 min, 1 h, 4 h, … up to what the service keeps. */
export function chartRanges(retainMinutes: number): number[] {
  return [15, 60, 240, 720, 1440].filter((m) => m <= Math.max(15, retainMinutes));
}

export interface ChartInputs {
  readonly channels: readonly ChannelView[];
  readonly valveLabel: string;
  readonly timeLabel: string;
  readonly theme: Theme;
  readonly thresholds: () => readonly Threshold[];
  readonly events: () => readonly TrendEvent[];
  readonly minutes: () => number;
  readonly width: number;
  readonly locale: () => string;
}

/**
 * uPlot options: O2 channels on the left axis (%vol), the level and the valve output on the
 * right (%); each series with its colour and dash pattern; a live legend that reads out the
 * time and every value with its unit at the cursor; labelled threshold lines and event
 * markers drawn in the `draw` hook; the x range ends at the newest point and spans the window.
 */
export function chartOptions(inputs: ChartInputs): uPlot.Options {
  const { channels, theme, locale } = inputs;
  const palette = PALETTES[theme];
  const clock = (seconds: number) =>
    new Date(seconds * 1000).toLocaleTimeString(locale(), {
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    });
  const stamp = (seconds: number) =>
    new Date(seconds * 1000).toLocaleString(locale(), {
      day: '2-digit',
      month: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hour12: false,
    });
  const reading = (unit: string, decimals: number) => (_u: uPlot, v: number | null) =>
    v === null || v === undefined
      ? '—'
      : `${v.toLocaleString(locale(), { minimumFractionDigits: decimals, maximumFractionDigits: decimals })} ${unit}`;
  const scaleOf = (c: ChannelView) => (c.unit === '%vol' ? 'o2' : 'pct');
  // A phone's plot is narrow: slimmer axes leave it more of the width.
  const axisSize = inputs.width < 500 ? 40 : 50;
  const borderStyles = ['solid', ...channels.map((_, i) => SERIES_BORDER_STYLES[i % 4]), 'solid'];
  return {
    width: Math.max(280, inputs.width),
    height: 260,
    legend: { live: true, markers: { width: 3, dash: (_u, i) => borderStyles[i] ?? 'solid' } },
    cursor: { y: false, drag: { x: false, y: false }, points: { size: 7 } },
    scales: {
      x: { time: true, range: (_u, _min, max) => [max - inputs.minutes() * 60, max] },
      o2: { range: [0, 25] },
      pct: { range: [0, 100] },
    },
    axes: [
      { stroke: axisInk, grid: { stroke: gridLine }, values: (_u, splits) => splits.map(clock) },
      { scale: 'o2', label: '%vol', stroke: axisInk, grid: { stroke: gridLine }, size: axisSize },
      { scale: 'pct', label: '%', side: 1, stroke: axisInk, size: axisSize, grid: { show: false } },
    ],
    series: [
      { label: inputs.timeLabel, value: (_u, v) => (v === null ? '—' : stamp(v)) },
      ...channels.map((c, i) => ({
        label: c.label,
        scale: scaleOf(c),
        stroke: palette.series[i % palette.series.length],
        dash: [...SERIES_DASHES[i % SERIES_DASHES.length]],
        width: 2,
        spanGaps: false,
        value: reading(c.unit, c.unit === '%vol' ? 2 : 1),
      })),
      {
        label: inputs.valveLabel,
        scale: 'pct',
        stroke: palette.valve,
        fill: palette.valveFill,
        width: 1,
        paths: steppedPaths(),
        value: reading('%', 0),
      },
    ],
    hooks: {
      draw: [
        (u) => {
          drawThresholds(u, inputs.thresholds(), palette);
          drawMarkers(u, inputs.events(), palette);
        },
      ],
      ready: [followTouch],
    },
  };
}

function steppedPaths(): uPlot.Series.PathBuilder | undefined {
  return uPlot.paths.stepped?.({ align: 1 });
}

/**
 * A tap on a touch screen moves the readout there. uPlot follows mouse events only; Chromium
 * synthesises them for a tap (the browser test passes without this), but not every touch
 * browser does for every tap, so the pointer event sets the cursor itself. Pen and touch alike.
 */
function followTouch(u: uPlot): void {
  u.over.addEventListener('pointerdown', (event) => {
    if (event.pointerType === 'mouse') return;
    u.setCursor({ left: event.offsetX, top: event.offsetY });
  });
}

/** Label text size in CSS pixels. */
const LABEL_PX = 11;

/**
 * Dashed horizontal lines at the O2 and level thresholds, each with its label: O2 lines
 * labelled at the left (their axis), level lines at the right, moved where they overlap
 * nothing (label-layout.ts).
 */
function drawThresholds(u: uPlot, lines: readonly Threshold[], palette: TrendPalette): void {
  const ctx = u.ctx;
  const ratio = uPlot.pxRatio;
  ctx.save();
  ctx.font = `${Math.round(LABEL_PX * ratio)}px system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  ctx.textAlign = 'left';
  const ys = lines.map((line) => Math.round(u.valToPos(line.value, line.scale, true)));
  const places = layoutLabels(
    lines.map((line, i) => ({
      y: (ys[i] - u.bbox.top) / ratio,
      width: ctx.measureText(line.label).width / ratio,
      side: line.scale === 'o2' ? 'left' : 'right',
      below: line.labelBelow,
    })),
    u.bbox.width / ratio,
    LABEL_PX + 2,
  );
  lines.forEach((line, i) => {
    const colour = toneColour(palette, line.tone);
    ctx.strokeStyle = colour;
    ctx.lineWidth = ratio;
    ctx.setLineDash([4 * ratio, 4 * ratio]);
    ctx.beginPath();
    ctx.moveTo(u.bbox.left, ys[i]);
    ctx.lineTo(u.bbox.left + u.bbox.width, ys[i]);
    ctx.stroke();
  });
  lines.forEach((line, i) => {
    const x = u.bbox.left + places[i].x * ratio;
    const top = u.bbox.top + places[i].top * ratio;
    const width = ctx.measureText(line.label).width;
    // A patch of background under the text: legible over the series lines.
    ctx.fillStyle = palette.background;
    ctx.globalAlpha = 0.85;
    ctx.fillRect(x - ratio, top, width + 2 * ratio, (LABEL_PX + 2) * ratio);
    ctx.globalAlpha = 1;
    ctx.fillStyle = toneColour(palette, line.tone);
    ctx.fillText(line.label, x, top + ratio);
  });
  ctx.restore();
}

/**
 * Event markers on the time axis: a vertical line through the plot and a shape at its top —
 * a triangle for an alarm raised (in its priority's colour), a filled circle for a fill
 * started, a hollow one for a fill ended (in the valve's colour). Shape, not colour, tells
 * them apart; merged events carry their count.
 */
function drawMarkers(u: uPlot, events: readonly TrendEvent[], palette: TrendPalette): void {
  const min = u.scales['x'].min;
  const max = u.scales['x'].max;
  if (min === undefined || max === undefined || events.length === 0) return;
  const ratio = uPlot.pxRatio;
  const placed = placeMarkers(events, min * 1000, max * 1000, u.bbox.width / ratio);
  const ctx = u.ctx;
  ctx.save();
  ctx.font = `${Math.round(10 * ratio)}px system-ui, sans-serif`;
  ctx.textBaseline = 'middle';
  for (const marker of placed) {
    const x = Math.round(u.bbox.left + marker.x * ratio);
    const top = u.bbox.top;
    const colour = markerColour(marker, palette);
    ctx.strokeStyle = colour;
    ctx.fillStyle = colour;
    ctx.lineWidth = ratio;
    ctx.setLineDash(marker.kind === 'alarm' ? [] : [2 * ratio, 3 * ratio]);
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + u.bbox.height);
    ctx.stroke();
    ctx.setLineDash([]);
    const r = 5 * ratio;
    ctx.beginPath();
    if (marker.kind === 'alarm') {
      ctx.moveTo(x, top);
      ctx.lineTo(x - r, top + 1.7 * r);
      ctx.lineTo(x + r, top + 1.7 * r);
      ctx.closePath();
      ctx.fill();
    } else {
      ctx.arc(x, top + r, r - ratio, 0, 2 * Math.PI);
      ctx.lineWidth = 2 * ratio;
      if (marker.kind === 'fill-start') ctx.fill();
      else {
        ctx.fillStyle = palette.background;
        ctx.fill();
        ctx.stroke();
      }
    }
    if (marker.count > 1) {
      ctx.fillStyle = colour;
      ctx.fillText(String(marker.count), x + r + 2 * ratio, top + r);
    }
  }
  ctx.restore();
}

function markerColour(marker: PlacedMarker, palette: TrendPalette): string {
  if (marker.kind !== 'alarm') return palette.valve;
  if (marker.severity === 'critical') return palette.critical;
  return marker.severity === 'warning' ? palette.warning : palette.neutral;
}
