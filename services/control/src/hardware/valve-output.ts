import { MegaindCard } from './megaind/megaind-card';
import { ValveOutputConfig } from './valve-output.config';
import { assertValidValveOutputConfig } from './valve-output-config.validation';

/** Output percent of the safe state: valve closed. */
export const VALVE_SAFE_OUTPUT_PCT = 0;

/**
 * The LN2 fill valve as an output percent (0 = closed, the safe value; 100 = fully open),
 * mapped onto the HAT output chosen in the config. Every write is verified by the card driver.
 */
export class ValveOutput {
  /**
   * @throws RangeError when the config is invalid (channel, closed/open values).
   */
  constructor(
    private readonly card: MegaindCard,
    /** The validated output config. */
    readonly config: ValveOutputConfig,
  ) {
    assertValidValveOutputConfig(config);
  }

  /**
   * Drive the valve to `outputPct` (0..100). An on/off solenoid opens for any value > 0;
   * a proportional valve gets closed + (open − closed)·pct/100.
   * @throws RangeError for a percent outside 0..100; HardwareError from the card.
   */
  async write(outputPct: number): Promise<void> {
    if (!Number.isFinite(outputPct) || outputPct < 0 || outputPct > 100) {
      throw new RangeError(`valve output must be 0..100 %, got ${outputPct}`);
    }
    const fraction = outputPct / 100;
    const config = this.config;
    switch (config.kind) {
      case 'od-switch': {
        // A normally-open valve opens when de-energised, so its coil logic is inverted.
        const open = outputPct > 0;
        await this.card.setOpenDrain(config.channel, open !== config.normallyOpen);
        return;
      }
      case 'ma-proportional':
        await this.card.setCurrentOutput(
          config.channel,
          toResolution(config.closedMa + (config.openMa - config.closedMa) * fraction),
        );
        return;
      case 'v-proportional':
        await this.card.setVoltageOutput(
          config.channel,
          toResolution(config.closedV + (config.openV - config.closedV) * fraction),
        );
        return;
    }
  }

  /**
   * The output percent the card currently holds (0 or 100 for an on/off valve). A proportional
   * output outside the configured travel gives a value outside 0..100 (e.g. −25 for 0 mA with
   * closedMa 4 after a card power-up), so callers see exactly what the card holds.
   */
  async readBack(): Promise<number> {
    const config = this.config;
    switch (config.kind) {
      case 'od-switch': {
        const energised = await this.card.readOpenDrain(config.channel);
        return energised !== config.normallyOpen ? 100 : 0;
      }
      case 'ma-proportional': {
        const mA = await this.card.readCurrentOutput(config.channel);
        return toPercent(mA, config.closedMa, config.openMa);
      }
      case 'v-proportional': {
        const volts = await this.card.readVoltageOutput(config.channel);
        return toPercent(volts, config.closedV, config.openV);
      }
    }
  }
}

/**
 * Round to the card's 1 µA / 1 mV resolution, so floating-point noise (20.000000000000004)
 * cannot push an endpoint just outside the range the driver accepts.
 */
function toResolution(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Percent of travel, rounded to 0.01 % so the 1 µA / 1 mV quantisation does not show. */
function toPercent(value: number, closed: number, open: number): number {
  return Math.round(((value - closed) / (open - closed)) * 10000) / 100;
}
