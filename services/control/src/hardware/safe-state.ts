import type { AppConfig } from '../config/config.schema';
import { LinuxI2cBus } from './linux-i2c-bus';
import { MegaindCard } from './megaind/megaind-card';
import { VALVE_SAFE_OUTPUT_PCT, ValveOutput } from './valve-output';

/**
 * Drives the valve to the safe state through a bus handle of its own and returns: the action
 * of the loop supervisor when the service's event loop is stuck (`node dist/main.js
 * --safe-state`), and a command for people (`docker compose exec control node dist/main.js
 * --safe-state`). The write is verified by the driver (read back).
 *
 * @throws when the card cannot be reached or the output does not follow.
 */
export async function driveSafeStateOnCard(config: AppConfig): Promise<void> {
  if (config.hardware.driver !== 'megaind') {
    throw new Error(
      'the safe-state command needs the megaind driver (the simulator lives in the service)',
    );
  }
  const bus = new LinuxI2cBus(config.hardware.bus);
  await bus.open();
  try {
    const card = new MegaindCard(bus, {
      stack: config.hardware.stack,
      maxRetries: config.hardware.maxRetries,
    });
    await new ValveOutput(card, config.valve).write(VALVE_SAFE_OUTPUT_PCT);
  } finally {
    await bus.close();
  }
}
