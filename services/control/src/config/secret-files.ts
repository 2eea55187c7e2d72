import { readFileSync } from 'node:fs';

/**
 * Every secret the service reads from the environment. Each may instead be given as a file
 * named by `<NAME>_FILE` (the Docker secrets convention: `INFLUX_TOKEN_FILE=/run/secrets/x`).
 */
export interface SecretEnv {
  readonly name: string;
  /**
   * The file may not exist yet when the service starts: the InfluxDB write token is written
   * by the database's first-start script into a shared volume while the control service is
   * already running (it never waits for InfluxDB). Telemetry re-reads the file until it is
   * there (and again when it changes: a rotated token); other read errors stay config errors.
   */
  readonly mayAppearLater?: boolean;
}

export const SECRET_ENV: readonly SecretEnv[] = [
  { name: 'ADMIN_PASSWORD' },
  { name: 'MQTT_PASSWORD' },
  { name: 'INFLUX_TOKEN', mayAppearLater: true },
];

/** A secret file that cannot be used; `code` is the errno code or `EMPTY`. */
export class SecretFileError extends Error {
  constructor(
    readonly path: string,
    readonly code: string,
  ) {
    super(code === 'EMPTY' ? `${path} is empty` : `cannot read ${path} (${code})`);
    this.name = 'SecretFileError';
  }
}

/** The secret in `path`: its text without the trailing line break(s) editors and `echo` add. */
export function readSecretFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SecretFileError(path, (error as NodeJS.ErrnoException).code ?? String(error));
  }
  const secret = text.replace(/(\r?\n)+$/, '');
  if (secret === '') throw new SecretFileError(path, 'EMPTY');
  return secret;
}

/**
 * The environment with every `<NAME>_FILE` read into `<NAME>`, and the problems found: both
 * forms set, or a file that cannot be read or is empty (all reported with the other config
 * problems). A missing file of a `mayAppearLater` secret is not a problem here.
 */
export function resolveSecretFiles(env: NodeJS.ProcessEnv): {
  env: NodeJS.ProcessEnv;
  problems: string[];
} {
  const resolved: NodeJS.ProcessEnv = { ...env };
  const problems: string[] = [];
  for (const { name, mayAppearLater } of SECRET_ENV) {
    const fileVar = `${name}_FILE`;
    const path = env[fileVar];
    if (path === undefined || path === '') continue;
    if (env[name] !== undefined && env[name] !== '') {
      problems.push(`env ${name} and ${fileVar}: both set; set only one of them`);
      continue;
    }
    try {
      resolved[name] = readSecretFile(path);
    } catch (error) {
      const e = error as SecretFileError;
      if (mayAppearLater && e.code === 'ENOENT') continue;
      problems.push(`env ${fileVar}: ${e.message}`);
    }
  }
  return { env: resolved, problems };
}
