import { formatIssues } from '@cryopilot/protocol';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { readHttpsFiles } from '../http/https';
import { parseDocument } from 'yaml';
import { AppConfig, appConfigSchema } from './config.schema';
import { ENV_OVERRIDES } from './env-overrides';
import { missingProductionSecrets } from './production-secrets';
import { resolveSecretFiles } from './secret-files';
import { applyNotificationSecrets } from '../notifications/notification-secrets';

/** The documented example config, used when `CRYOPILOT_CONFIG` is not set (embedded default). */
export const BUNDLED_CONFIG_PATH = resolve(__dirname, '../../config/cryopilot.yaml');

/** Start-up configuration problems, all of them at once, each with its path. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid configuration (${source}):\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** The configuration and the secrets that are not part of it. */
export interface Startup {
  readonly config: AppConfig;
  /** Password of the first `admin` user (`ADMIN_PASSWORD` or `ADMIN_PASSWORD_FILE`). */
  readonly adminPassword?: string;
}

/**
 * Reads the YAML config, applies environment overrides and validates everything once.
 * Throws `ConfigError` listing every problem (file, YAML syntax, env values, schema).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return loadStartup(env).config;
}

/**
 * `loadConfig` plus the secrets given by the environment. Every secret may come from a file
 * instead (`<NAME>_FILE`, the Docker secrets convention: secret-files.ts); both forms at once,
 * or a file that cannot be read, are problems listed with all the others.
 */
export function loadStartup(env: NodeJS.ProcessEnv = process.env): Startup {
  const path = env.CRYOPILOT_CONFIG ? resolve(env.CRYOPILOT_CONFIG) : BUNDLED_CONFIG_PATH;
  const problems: string[] = [];
  const raw = readYaml(path, problems);
  const secrets = resolveSecretFiles(env);
  problems.push(...secrets.problems);
  applyEnvOverrides(raw, secrets.env, problems);
  applyNotificationSecrets(raw, env, problems);
  raw.deviceId ??= sanitizeHostname(hostname());
  const parsed = appConfigSchema().safeParse(raw);
  if (!parsed.success) problems.push(...formatIssues(parsed.error));
  else {
    problems.push(...missingProductionSecrets(parsed.data, secrets.env));
    if (parsed.data.http.tls) readHttpsFiles(parsed.data.http.tls, problems);
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(path, problems);
  const adminPassword = secrets.env.ADMIN_PASSWORD;
  return { config: parsed.data, ...(adminPassword ? { adminPassword } : {}) };
}

function readYaml(path: string, problems: string[]): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    // A missing or unreadable file is a config problem to report, not a crash.
    problems.push(
      `${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
    return {};
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  for (const e of doc.errors) {
    const where = e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : 'YAML';
    problems.push(`${where}: ${e.message.split('\n')[0]}`);
  }
  if (doc.errors.length > 0) return {};
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push('(root): must be a mapping of settings');
    return {};
  }
  return value as Record<string, unknown>;
}

function applyEnvOverrides(
  raw: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  problems: string[],
): void {
  for (const override of ENV_OVERRIDES) {
    const text = env[override.name];
    if (text === undefined || text === '') continue;
    const value = override.parse(text);
    if (value === undefined) {
      problems.push(`env ${override.name}: ${override.expected} (got "${text}")`);
      continue;
    }
    setPath(raw, override.path, value);
  }
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

function sanitizeHostname(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64);
  return cleaned === '' ? 'cryopilot' : cleaned;
}
