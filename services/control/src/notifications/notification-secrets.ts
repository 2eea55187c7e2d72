import { readSecretFile, SecretFileError } from '../config/secret-files';

/** Which config key of a channel each secret suffix fills, per channel kind. */
const SECRET_KEYS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  email: { PASSWORD: 'password' },
  ntfy: { TOKEN: 'token' },
  webhook: { TOKEN: 'token', SECRET: 'hmacSecret' },
};

const SECRET_VAR = /^NOTIFY_([A-Z0-9_]+?)_(PASSWORD|TOKEN|SECRET)(_FILE)?$/;

/**
 * Puts the secrets of notification channels from the environment into the raw config:
 * `NOTIFY_<NAME>_PASSWORD` (email), `NOTIFY_<NAME>_TOKEN` (ntfy, webhook) and
 * `NOTIFY_<NAME>_SECRET` (webhook HMAC), each also as `<VAR>_FILE` (Docker secrets), where
 * `<NAME>` is the channel's name in upper case. Channels are a list in the YAML, so unlike the
 * fixed secrets of secret-files.ts their variable names follow the channel names.
 *
 * Problems (both forms set, an unreadable or empty file, a variable for no channel or for a
 * key that channel kind does not have) join the other config problems: all listed at once.
 */
export function applyNotificationSecrets(
  raw: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  problems: string[],
): void {
  const channels = channelsOf(raw);
  for (const variable of Object.keys(env).sort()) {
    const match = SECRET_VAR.exec(variable);
    const text = env[variable];
    if (!match || text === undefined || text === '') continue;
    const [, upperName, suffix, fromFile] = match;
    const base = `NOTIFY_${upperName}_${suffix}`;
    if (fromFile && env[base] !== undefined && env[base] !== '') {
      problems.push(`env ${base} and ${variable}: both set; set only one of them`);
      continue;
    }
    const channel = channels.find((c) => String(c.name).toUpperCase() === upperName);
    if (!channel) {
      problems.push(`env ${variable}: no notification channel named ${upperName.toLowerCase()}`);
      continue;
    }
    const key = SECRET_KEYS[String(channel.kind)]?.[suffix];
    if (!key) {
      problems.push(`env ${variable}: a ${String(channel.kind)} channel has no ${suffix} secret`);
      continue;
    }
    const secret = fromFile ? readFromFile(variable, text, problems) : text;
    if (secret !== undefined) channel[key] = secret;
  }
}

function readFromFile(variable: string, path: string, problems: string[]): string | undefined {
  try {
    return readSecretFile(path);
  } catch (error) {
    // The file is missing, unreadable or empty: a config problem listed with the others.
    problems.push(`env ${variable}: ${(error as SecretFileError).message}`);
    return undefined;
  }
}

/** The channel mappings of the raw YAML (anything else is left for the schema to report). */
function channelsOf(raw: Record<string, unknown>): Record<string, unknown>[] {
  const section = raw.notifications;
  if (typeof section !== 'object' || section === null) return [];
  const channels = (section as Record<string, unknown>).channels;
  if (!Array.isArray(channels)) return [];
  return channels.filter(
    (c): c is Record<string, unknown> => typeof c === 'object' && c !== null && !Array.isArray(c),
  );
}
