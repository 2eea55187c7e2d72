// First: loads Nest's logger without making it initialise ICU (app/load-nest-logger.ts).
import './app/load-nest-logger';
// Then, before anything loads zod: its 63 translations load on first use (app/lazy-zod-locales.ts).
import './app/lazy-zod-locales';
import { Logger } from '@nestjs/common';
import { createApp } from './app/create-app';
import { ConfigError, loadStartup, type Startup } from './config/config.loader';
import { ControlLifecycle } from './control/control-lifecycle';
import { driveSafeStateOnCard } from './hardware/safe-state';

/**
 * Entry point. Configuration is validated before anything starts (every problem listed, exit
 * code 78). Fatal errors put the valve in the safe state before the process exits, so that
 * the restart policy starts a clean service (which makes the valve safe first, too).
 */
async function bootstrap(): Promise<void> {
  const logger = new Logger('Main');
  let startup: Startup;
  try {
    startup = loadStartup();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const { config, adminPassword } = startup;
  if (process.argv.includes('--safe-state')) {
    // One job: valve to the safe state through a bus handle of its own (the loop supervisor's
    // action when the service is stuck), then exit: 0 done, 1 failed.
    await driveSafeStateOnCard(config);
    logger.log('valve driven to the safe state');
    return;
  }
  const app = await createApp({ config, adminPassword });
  installFatalHandlers(app.get(ControlLifecycle), logger);
  await app.listen(config.http.port, config.http.host);
  logger.log(
    `CryoPilot ${config.deviceId}: ${config.hardware.driver} hardware, ` +
      `${config.http.tls ? 'https' : 'http'}://localhost:${config.http.port}/`,
  );
}

function installFatalHandlers(control: ControlLifecycle, logger: Logger): void {
  let exiting = false;
  const fatal = (kind: string) => (error: unknown) => {
    logger.error(`${kind}: ${error instanceof Error ? error.stack : String(error)}`);
    if (exiting) return;
    exiting = true;
    // Safe state first; if even that hangs, the timer still ends the process.
    setTimeout(() => process.exit(70), 2000).unref();
    void control.emergencyStop(kind).finally(() => process.exit(70));
  };
  process.on('uncaughtException', fatal('uncaught exception'));
  process.on('unhandledRejection', fatal('unhandled rejection'));
}

bootstrap().catch((error: unknown) => {
  console.error('start-up failed:', error instanceof Error ? error.stack : error);
  process.exit(1);
});
