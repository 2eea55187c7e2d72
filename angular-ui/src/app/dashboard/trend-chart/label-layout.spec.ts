import { layoutLabels } from './label-layout';

const overlap = (
  a: { x: number; top: number },
  aw: number,
  b: { x: number; top: number },
  bw: number,
  h: number,
) => a.x < b.x + bw && b.x < a.x + aw && a.top < b.top + h && b.top < a.top + h;

describe('layoutLabels', () => {
  it('puts a label above its line on its own side when there is room', () => {
    const [left, right] = layoutLabels(
      [
        { y: 100, width: 80, side: 'left' },
        { y: 100, width: 80, side: 'right' },
      ],
      600,
      12,
    );
    expect(left).toEqual({ x: 3, top: 87 });
    expect(right).toEqual({ x: 517, top: 87 });
  });

  it('moves close labels below their line or to the other side: no two overlap', () => {
    // The phone case: O2 trip 18, O2 low 19.5 (left) and fill stop 80 % (right) on a narrow plot.
    const labels = [
      { y: 72, width: 90, side: 'left' as const },
      { y: 63, width: 90, side: 'left' as const },
      { y: 61, width: 120, side: 'right' as const },
      { y: 180, width: 120, side: 'right' as const },
    ];
    const places = layoutLabels(labels, 170, 12);
    for (let i = 0; i < places.length; i++) {
      for (let j = i + 1; j < places.length; j++) {
        expect(overlap(places[i], labels[i].width, places[j], labels[j].width, 12)).toBe(false);
      }
    }
    expect(places[3]).toEqual({ x: 47, top: 167 }); // far away: its usual place
  });

  it('puts a label asked for below under its line', () => {
    expect(layoutLabels([{ y: 100, width: 80, side: 'left', below: true }], 600, 12)).toEqual([
      { x: 3, top: 102 },
    ]);
  });
});
