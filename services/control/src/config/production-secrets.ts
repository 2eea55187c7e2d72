import type { AppConfig } from './config.schema';

/** What `make setup` generates into `.env`; named in the error so the fix is obvious. */
const HOW_TO_FIX = 'required in production (NODE_ENV=production): run `make setup` to generate it';

/**
 * Secrets the service needs in production mode, all missing ones at once: the initial admin
 * password, and the credentials of every configured link (an MQTT broker with a user needs
 * its password; InfluxDB needs its token, or a token file). Each may be given as `<NAME>_FILE`
 * (resolved into `env` before this check). Outside production the embedded defaults apply
 * (generated admin password, embedded broker, telemetry off).
 */
export function missingProductionSecrets(config: AppConfig, env: NodeJS.ProcessEnv): string[] {
  if (env.NODE_ENV !== 'production') return [];
  const problems: string[] = [];
  const missing = (name: string) => problems.push(`env ${name}: ${HOW_TO_FIX}`);
  if (!env.ADMIN_PASSWORD) missing('ADMIN_PASSWORD');
  if (config.mqtt.url) {
    if (!config.mqtt.username) missing('MQTT_USERNAME');
    if (!config.mqtt.password) missing('MQTT_PASSWORD');
  }
  // A token file may still be on its way (written by InfluxDB's first start): telemetry waits.
  if (config.telemetry.url && !config.telemetry.token && !config.telemetry.tokenFile)
    missing('INFLUX_TOKEN');
  return problems;
}
