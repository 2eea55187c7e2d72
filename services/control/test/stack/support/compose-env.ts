/**
 * What a container of the Compose stack gets in its environment: docker-compose.yml's
 * `environment:` with Compose's interpolation applied to the values of a `.env` file
 * (`${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`, `$VAR`,
 * `$$` a literal `$`; compose-spec interpolation.md), and `.env` read as Compose reads it
 * (`NAME=value`, `NAME='literal'`, `NAME="value"`, `#` comments).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

export const ROOT = resolve(__dirname, '../../../../..');

/** A `.env` file as Compose reads it. */
export function readDotEnv(path: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2];
    if (/^'.*'$/.test(value)) value = value.slice(1, -1);
    else if (/^".*"$/.test(value)) value = value.slice(1, -1);
    values[m[1]] = value;
  }
  return values;
}

/** Compose's interpolation of one value; throws on a `:?`/`?` variable that is missing. */
export function interpolateCompose(value: string, vars: Record<string, string>): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, braced?: string, op?: string, arg?: string, bare?: string) => {
      if (match === '$$') return '$';
      const name = (braced ?? bare)!;
      const v = vars[name];
      const unset = v === undefined;
      const empty = unset || v === '';
      switch (op) {
        case ':-':
          return empty ? (arg ?? '') : v;
        case '-':
          return unset ? (arg ?? '') : v;
        case ':?':
          if (empty) throw new Error(`${name}: ${arg}`);
          return v;
        case '?':
          if (unset) throw new Error(`${name}: ${arg}`);
          return v;
        default:
          return v ?? '';
      }
    },
  );
}

/** The environment Compose gives `service` with the values of `envFile`. */
export function serviceEnvironment(service: string, envFile: string): Record<string, string> {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, { environment?: Record<string, string> }>;
  };
  const vars = readDotEnv(envFile);
  return Object.fromEntries(
    Object.entries(compose.services[service].environment ?? {}).map(([k, v]) => [
      k,
      interpolateCompose(String(v), vars),
    ]),
  );
}
