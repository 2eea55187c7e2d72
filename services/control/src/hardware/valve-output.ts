import { MegaindCard } from './megaind/megaind-card';
import { assertValidValveOutputConfig, ValveOutputConfig } from './valve-output.config';

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
}

/**
 * Round to the card's 1 µA / 1 mV resolution, so floating-point noise (20.000000000000004)
 * cannot push an endpoint just outside the range the driver accepts.
 */
function toResolution(value: number): number {
  return Math.round(value * 1000) / 1000;
}
