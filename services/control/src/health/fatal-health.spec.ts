import { FatalHealthJudge } from './fatal-health';

const PERIOD = 500;

describe('FatalHealthJudge', () => {
  it('tolerates a card outage shorter than the limit, and forgets it once the card is back', () => {
    const judge = new FatalHealthJudge(60_000);
    const at = (nowMono: number, hardwareOk: boolean) =>
      judge.check({ hardwareOk, lastTickMono: nowMono, nowMono }, PERIOD);
    expect(at(0, false)).toBeNull();
    expect(at(59_000, false)).toBeNull();
    expect(at(59_500, true)).toBeNull();
    // A new outage starts from zero.
    expect(at(60_000, false)).toBeNull();
    expect(at(119_000, false)).toBeNull();
    expect(at(120_000, false)).toBe('the I/O card has not answered for 60 s');
  });

  it('declares a loop that stopped ticking lost, even with the card answering', () => {
    const judge = new FatalHealthJudge(10_000);
    const at = (nowMono: number) =>
      judge.check({ hardwareOk: true, lastTickMono: 1000, nowMono }, PERIOD);
    expect(at(2000)).toBeNull();
    expect(at(3000)).toBeNull(); // 2 s without a tick: not yet stalled (3 periods + 1 s)
    expect(at(4000)).toBeNull(); // stalled from here
    expect(at(13_999)).toBeNull();
    expect(at(14_000)).toBe('the control loop has not ticked for 10 s');
  });
});
