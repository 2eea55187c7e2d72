/** A threshold label to place: its line's height and the text's size, CSS pixels. */
export interface LabelBox {
  readonly y: number;
  readonly width: number;
  /** The side of its axis: O2 lines are labelled at the left, level lines at the right. */
  readonly side: 'left' | 'right';
  /** Below the line for the lower of two close lines (the O2 trip under O2 low). */
  readonly below?: boolean;
}

/** Where a label goes: its box's top-left corner, CSS pixels from the plot's corner. */
export interface LabelPlace {
  readonly x: number;
  readonly top: number;
}

/**
 * Places threshold labels so none overlaps another: each tries above its line (or below, when
 * asked) on its own side, then the other way, then the other side (on a phone "O2 low 19.5 %vol" and "Fill stop 80 %"
 * sit at about the same height and would meet in the middle), then a row further away. When
 * every spot is taken, the
 * the first one is used: overlapping beats missing.
 */
export function layoutLabels(
  labels: readonly LabelBox[],
  plotWidth: number,
  lineHeight: number,
  pad = 3,
): LabelPlace[] {
  const taken: Array<{ x: number; top: number; width: number }> = [];
  const overlaps = (a: { x: number; top: number; width: number }) =>
    taken.some(
      (b) =>
        a.x < b.x + b.width + pad &&
        b.x < a.x + a.width + pad &&
        a.top < b.top + lineHeight &&
        b.top < a.top + lineHeight,
    );
  return labels.map((label) => {
    const xOf = (side: 'left' | 'right') =>
      side === 'left' ? pad : Math.max(pad, plotWidth - label.width - pad);
    const other = label.side === 'left' ? 'right' : 'left';
    const above = label.y - lineHeight - 1;
    const below = label.y + 2;
    const [near, far] = label.below ? [below, above] : [above, below];
    const candidates = [
      { x: xOf(label.side), top: near },
      { x: xOf(label.side), top: far },
      { x: xOf(other), top: near },
      { x: xOf(other), top: far },
      // Crowded: a row further from the line, on either side of it.
      { x: xOf(label.side), top: above - lineHeight },
      { x: xOf(label.side), top: below + lineHeight },
    ];
    const chosen = candidates.find((c) => !overlaps({ ...c, width: label.width })) ?? candidates[0];
    taken.push({ ...chosen, width: label.width });
    return chosen;
  });
}
