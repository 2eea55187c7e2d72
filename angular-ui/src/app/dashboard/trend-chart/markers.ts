import type { TrendEvent } from '@cryopilot/protocol';

/** A marker where it is drawn: events closer than a few pixels are merged into one. */
export interface PlacedMarker {
  /** CSS pixels from the plot's left edge. */
  readonly x: number;
  readonly kind: TrendEvent['kind'];
  /** The most urgent priority among merged alarms. */
  readonly severity?: TrendEvent['severity'];
  /** Events merged into this marker. */
  readonly count: number;
  /** Time of the first merged event, ms since epoch. */
  readonly t: number;
}

const RANK = { critical: 0, warning: 1, info: 2 } as const;

/**
 * Places the events of the window [fromMs, toMs] across `widthPx`, oldest first. Events of
 * the same kind less than `minGapPx` apart become one marker with a count (a flapping alarm
 * must not paint a solid bar); events outside the window are left out.
 */
export function placeMarkers(
  events: readonly TrendEvent[],
  fromMs: number,
  toMs: number,
  widthPx: number,
  minGapPx = 6,
): PlacedMarker[] {
  if (!(toMs > fromMs) || widthPx <= 0) return [];
  const scale = widthPx / (toMs - fromMs);
  const inside = events.filter((e) => e.t >= fromMs && e.t <= toMs).sort((a, b) => a.t - b.t);
  const placed: PlacedMarker[] = [];
  const lastOfKind = new Map<string, number>();
  for (const event of inside) {
    const x = (event.t - fromMs) * scale;
    const index = lastOfKind.get(event.kind);
    const previous = index === undefined ? undefined : placed[index];
    if (previous && x - previous.x < minGapPx) {
      placed[index!] = {
        ...previous,
        count: previous.count + 1,
        severity: moreUrgent(previous.severity, event.severity),
      };
      continue;
    }
    lastOfKind.set(event.kind, placed.length);
    placed.push({
      x,
      kind: event.kind,
      count: 1,
      t: event.t,
      ...(event.severity ? { severity: event.severity } : {}),
    });
  }
  return placed;
}

function moreUrgent(a: TrendEvent['severity'], b: TrendEvent['severity']): TrendEvent['severity'] {
  if (!a) return b;
  if (!b) return a;
  return RANK[a] <= RANK[b] ? a : b;
}
