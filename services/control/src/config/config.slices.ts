import type { AppConfig } from './config.schema';

/**
 * The config as each feature sees it. The whole `AppConfig` is validated once at start-up;
 * features never inject it: each injects the slice named for it — the keys it reads, and
 * nothing else — through that slice's token. Slices are `Pick`s of `AppConfig`, so a test
 * (or a CLI) may pass a whole config wherever a slice is expected.
 */
interface ConfigSlice<K extends keyof AppConfig> {
  /** Injection token: `@Inject(SLICE.token)`. */
  readonly token: symbol;
  readonly keys: readonly K[];
}

function slice<K extends keyof AppConfig>(name: string, keys: readonly K[]): ConfigSlice<K> {
  return { token: Symbol(name), keys };
}

/** The value of a slice: the picked keys of the validated config. */
export type SliceOf<S> = S extends ConfigSlice<infer K> ? Pick<AppConfig, K> : never;

/** Users, audit and other state files: where they live. */
export const STORAGE_CONFIG = slice('StorageConfig', ['dataDir']);
export type StorageConfig = SliceOf<typeof STORAGE_CONFIG>;

/** The setpoint store: the configured setpoints and where runtime changes are kept. */
export const SETPOINTS_CONFIG = slice('SetpointsConfig', ['dataDir', 'setpoints']);
export type SetpointsConfig = SliceOf<typeof SETPOINTS_CONFIG>;

/** The card, its bus, the valve output and the simulated plant (and what is wired to it). */
export const HARDWARE_CONFIG = slice('HardwareConfig', [
  'hardware',
  'valve',
  'simulator',
  'channels',
]);
export type HardwareConfig = SliceOf<typeof HARDWARE_CONFIG>;

/** The control loop: channels, period, control and alarm settings, the card's watchdog. */
export const CONTROL_CONFIG = slice('ControlConfig', [
  'deviceId',
  'dataDir',
  'samplePeriodMs',
  'channels',
  'control',
  'alarms',
  'hardware',
]);
export type ControlConfig = SliceOf<typeof CONTROL_CONFIG>;

/** MQTT and Home Assistant. */
export const MQTT_CONFIG = slice('MqttConfig', ['deviceId', 'dataDir', 'channels', 'mqtt']);
export type MqttConfig = SliceOf<typeof MQTT_CONFIG>;

/** Telemetry to InfluxDB. */
export const TELEMETRY_CONFIG = slice('TelemetryConfig', ['deviceId', 'dataDir', 'telemetry']);
export type TelemetryConfig = SliceOf<typeof TELEMETRY_CONFIG>;

/** Email, ntfy and webhook notifications. */
export const NOTIFICATIONS_CONFIG = slice('NotificationsConfig', [
  'deviceId',
  'dataDir',
  'notifications',
]);
export type NotificationsSliceConfig = SliceOf<typeof NOTIFICATIONS_CONFIG>;

/** The page, the API, the WebSocket and the trend they show. */
export const WEB_CONFIG = slice('WebConfig', [
  'dataDir',
  'http',
  'trend',
  'samplePeriodMs',
  'channels',
]);
export type WebConfig = SliceOf<typeof WEB_CONFIG>;

/** Health, diagnostics and the production health exit. */
export const HEALTH_CONFIG = slice('HealthConfig', [
  'deviceId',
  'dataDir',
  'storage',
  'samplePeriodMs',
  'hardware',
  'control',
]);
export type HealthConfig = SliceOf<typeof HEALTH_CONFIG>;

/** Fill history, consumption, forecasts and the supply/boil-off warnings. */
export const LOGISTICS_CONFIG = slice('LogisticsConfig', [
  'dataDir',
  'setpoints',
  'channels',
  'logistics',
]);
export type LogisticsConfig = SliceOf<typeof LOGISTICS_CONFIG>;

/** O2 sensor maintenance records and due dates. */
export const MAINTENANCE_CONFIG = slice('MaintenanceConfig', [
  'dataDir',
  'channels',
  'maintenance',
]);
export type MaintenanceConfig = SliceOf<typeof MAINTENANCE_CONFIG>;

const SLICES = [
  STORAGE_CONFIG,
  SETPOINTS_CONFIG,
  HARDWARE_CONFIG,
  CONTROL_CONFIG,
  MQTT_CONFIG,
  TELEMETRY_CONFIG,
  NOTIFICATIONS_CONFIG,
  WEB_CONFIG,
  HEALTH_CONFIG,
  LOGISTICS_CONFIG,
  MAINTENANCE_CONFIG,
] as const;

/** One provider per slice, built from the validated config (the core module provides them). */
export function configSliceProviders(config: AppConfig) {
  return SLICES.map((s) => ({
    provide: s.token,
    useValue: Object.fromEntries(
      (s.keys as readonly (keyof AppConfig)[]).map((k) => [k, config[k]]),
    ),
  }));
}

/** The tokens, for the core module's exports. */
export const CONFIG_SLICE_TOKENS = SLICES.map((s) => s.token);
