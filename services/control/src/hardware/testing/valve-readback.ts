import type { MegaindCard } from '../megaind/megaind-card';
import type { ValveOutputConfig } from '../valve-output.config';

/**
 * The valve output percent the card's registers hold, read through the driver (0 or 100 for
 * an on/off valve). A proportional output outside the configured travel gives a value outside
 * 0..100 (e.g. −25 for 0 mA with closedMa 4 after a card power-up): tests see exactly what the
 * card holds. Production never needs it: every write is verified by the driver.
 */
export async function valveAtCard(card: MegaindCard, config: ValveOutputConfig): Promise<number> {
  switch (config.kind) {
    case 'od-switch': {
      const energised = await card.readOpenDrain(config.channel);
      return energised !== config.normallyOpen ? 100 : 0;
    }
    case 'ma-proportional':
      return toPercent(
        await card.readCurrentOutput(config.channel),
        config.closedMa,
        config.openMa,
      );
    case 'v-proportional':
      return toPercent(await card.readVoltageOutput(config.channel), config.closedV, config.openV);
  }
}

/** Percent of travel, rounded to 0.01 % so the 1 µA / 1 mV quantisation does not show. */
function toPercent(value: number, closed: number, open: number): number {
  return Math.round(((value - closed) / (open - closed)) * 10000) / 100;
}
