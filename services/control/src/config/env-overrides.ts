/** An environment variable that overrides one config path. */
export interface EnvOverride {
  readonly name: string;
  readonly path: readonly string[];
  readonly expected: string;
  /** Parsed value, or undefined when the text is not acceptable. */
  parse(text: string): unknown;
}

const integer = (text: string) => (/^-?\d+$/.test(text.trim()) ? Number(text) : undefined);
const number = (text: string) => {
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) ? n : undefined;
};
const string = (text: string) => text;

const text = (name: string, path: string[]): EnvOverride => ({
  name,
  path,
  expected: 'must be text',
  parse: string,
});

const int = (name: string, path: string[]): EnvOverride => ({
  name,
  path,
  expected: 'must be an integer',
  parse: integer,
});

/**
 * Environment variables documented in docs/interfaces.md and the README. Secrets
 * (ADMIN_PASSWORD, MQTT_PASSWORD, INFLUX_TOKEN) may also be given as files: `<NAME>_FILE`
 * (secret-files.ts, read before these overrides apply).
 */
export const ENV_OVERRIDES: readonly EnvOverride[] = [
  { name: 'DEVICE_ID', path: ['deviceId'], expected: 'must be text', parse: string },
  { name: 'DATA_DIR', path: ['dataDir'], expected: 'must be a path', parse: string },
  int('HTTP_PORT', ['http', 'port']),
  text('HTTP_HOST', ['http', 'host']),
  text('HTTPS_CERT_FILE', ['http', 'tls', 'certFile']),
  text('HTTPS_KEY_FILE', ['http', 'tls', 'keyFile']),
  int('SAMPLE_PERIOD_MS', ['samplePeriodMs']),
  {
    name: 'HARDWARE_DRIVER',
    path: ['hardware', 'driver'],
    expected: 'must be text',
    parse: string,
  },
  int('HARDWARE_STACK', ['hardware', 'stack']),
  int('I2C_BUS', ['hardware', 'bus']),
  { name: 'SIM_SPEED', path: ['simulator', 'speed'], expected: 'must be a number', parse: number },
  text('MQTT_URL', ['mqtt', 'url']),
  int('MQTT_EMBEDDED_PORT', ['mqtt', 'embeddedPort']),
  text('MQTT_USERNAME', ['mqtt', 'username']),
  text('MQTT_PASSWORD', ['mqtt', 'password']),
  text('MQTT_CLIENT_ID', ['mqtt', 'clientId']),
  text('MQTT_BASE_TOPIC', ['mqtt', 'baseTopic']),
  text('INFLUX_URL', ['telemetry', 'url']),
  text('INFLUX_TOKEN', ['telemetry', 'token']),
  // Kept as a path too: telemetry re-reads it until it exists and when it changes.
  text('INFLUX_TOKEN_FILE', ['telemetry', 'tokenFile']),
  text('INFLUX_ORG', ['telemetry', 'org']),
  text('INFLUX_BUCKET', ['telemetry', 'bucket']),
];
