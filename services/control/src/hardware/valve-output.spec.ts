import { HardwareErrorCode } from './hardware.errors';
import { createSimulatedRig } from './testing/simulated-rig';
import { ValveOutput } from './valve-output';
import { ValveOutputConfig } from './valve-output.config';
import { valveAtCard } from './testing/valve-readback';

async function rig(config: ValveOutputConfig) {
  const parts = await createSimulatedRig({ valve: config });
  return { ...parts, valve: new ValveOutput(parts.card, config) };
}

describe('ValveOutput', () => {
  describe('od-switch', () => {
    it('normally-closed: energises to open, de-energises to close', async () => {
      const { card, valve } = await rig({ kind: 'od-switch', channel: 2, normallyOpen: false });
      await valve.write(100);
      expect(await card.readOpenDrain(2)).toBe(true);
      expect(await valveAtCard(card, valve.config)).toBe(100);

      await valve.write(0);
      expect(await card.readOpenDrain(2)).toBe(false);
      expect(await valveAtCard(card, valve.config)).toBe(0);
    });

    it('treats any opening above 0 as open', async () => {
      const { card, valve } = await rig({ kind: 'od-switch', channel: 1, normallyOpen: false });
      await valve.write(0.5);
      expect(await card.readOpenDrain(1)).toBe(true);
    });

    it('normally-open: de-energises to open, energises to close (safe state)', async () => {
      const { card, valve } = await rig({ kind: 'od-switch', channel: 3, normallyOpen: true });
      await valve.write(0);
      expect(await card.readOpenDrain(3)).toBe(true);
      expect(await valveAtCard(card, valve.config)).toBe(0);

      await valve.write(100);
      expect(await card.readOpenDrain(3)).toBe(false);
      expect(await valveAtCard(card, valve.config)).toBe(100);
    });
  });

  describe('ma-proportional', () => {
    const config: ValveOutputConfig = {
      kind: 'ma-proportional',
      channel: 4,
      closedMa: 4,
      openMa: 20,
    };

    it('maps 0..100 % onto closedMa..openMa', async () => {
      const { card, valve } = await rig(config);
      for (const [pct, mA] of [
        [0, 4],
        [25, 8],
        [100, 20],
        [33.3, 9.328],
      ]) {
        await valve.write(pct);
        expect(await card.readCurrentOutput(4)).toBe(mA);
        expect(await valveAtCard(card, valve.config)).toBeCloseTo(pct, 2);
      }
    });

    it('supports reverse-acting valves and lands exactly on the endpoints', async () => {
      const reverse: ValveOutputConfig = { ...config, closedMa: 20, openMa: 3.3 };
      const { card, valve } = await rig(reverse);
      await valve.write(100);
      expect(await card.readCurrentOutput(4)).toBe(3.3);
      await valve.write(0);
      expect(await card.readCurrentOutput(4)).toBe(20);
    });

    it('reads back an output below the travel (0 mA after power-up) as a negative percent', async () => {
      const { card, valve } = await rig(config);
      expect(await valveAtCard(card, valve.config)).toBe(-25);
    });
  });

  describe('v-proportional', () => {
    it('maps 0..100 % onto closedV..openV', async () => {
      const config: ValveOutputConfig = {
        kind: 'v-proportional',
        channel: 1,
        closedV: 0,
        openV: 10,
      };
      const { card, valve } = await rig(config);
      await valve.write(60);
      expect(await card.readVoltageOutput(1)).toBe(6);
      expect(await valveAtCard(card, valve.config)).toBe(60);
      await valve.write(0);
      expect(await card.readVoltageOutput(1)).toBe(0);
      expect(await valveAtCard(card, valve.config)).toBe(0);
    });
  });

  it('rejects an output outside 0..100 % without touching the card', async () => {
    const { sim, valve } = await rig({ kind: 'od-switch', channel: 1, normallyOpen: false });
    for (const pct of [-1, 100.1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(valve.write(pct)).rejects.toThrow(RangeError);
    }
    expect(sim.transactionCount).toBe(0);
  });

  it('rejects invalid configs', async () => {
    const { card } = await createSimulatedRig();
    const bad = [
      { kind: 'od-switch', channel: 5, normallyOpen: false },
      { kind: 'ma-proportional', channel: 1, closedMa: 4, openMa: 4 },
      { kind: 'ma-proportional', channel: 1, closedMa: -1, openMa: 20 },
      { kind: 'v-proportional', channel: 1, closedV: 0, openV: 12 },
      { kind: 'pneumatic', channel: 1 },
    ];
    for (const config of bad) {
      expect(() => new ValveOutput(card, config as ValveOutputConfig)).toThrow(RangeError);
    }
  });

  it('passes card errors through (a failing bus leaves the caller to go safe)', async () => {
    const { sim, valve } = await rig({ kind: 'od-switch', channel: 1, normallyOpen: false });
    sim.setCardFault('i2c-error');
    await expect(valve.write(0)).rejects.toMatchObject({ code: HardwareErrorCode.BUS_ERROR });
  });
});
