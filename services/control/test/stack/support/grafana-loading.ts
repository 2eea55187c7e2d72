/**
 * How Grafana reads its provisioning files, encoded from its source so that the repository's
 * files can be checked exactly as Grafana will see them (nothing is rewritten before checking).
 *
 * Sources read (grafana/grafana; paths are stable across 11.x–13.x, the versions differ only
 * where noted):
 *  - pkg/services/provisioning/values/values.go: the value types (`StringValue`,
 *    `StringMapValue`, `JSONValue`, …). `interpolateValue` splits the text at `$$`, runs
 *    `setting.ExpandVar` and then Go's `os.ExpandEnv` on every part, and joins the parts with
 *    `$`. Each type keeps the uninterpolated text in `.Raw`; `.Value()` is the interpolated
 *    one. Only string scalars are interpolated (numbers and booleans pass through).
 *  - pkg/setting/expanders.go: `ExpandVar` replaces `\$(|__\w+){([^}]+)}`: `${NAME}` and
 *    `$__env{NAME}` with the environment, `$__file{path}` with the file's text (and
 *    `$__vault{…}`, not used here).
 *  - Go's src/os/env.go: `os.Expand`/`os.ExpandEnv` (`$NAME`, `${NAME}`, special one-character
 *    names, `${}` eaten, a lone `$` kept).
 *  - pkg/services/provisioning/datasources/types.go (`upsertDataSourceFromConfigV1`: every
 *    field a values type, read with `.Value()`),
 *    pkg/services/provisioning/dashboards/types.go (`configs`: every provider field a values
 *    type, `options` a `JSONValue`, read with `.Value()`),
 *    pkg/services/provisioning/alerting/rules_types.go (`AlertRuleGroupV1`, `AlertRuleV1`,
 *    `QueryV1`): group and rule fields and labels with `.Value()`, but the query **model**
 *    with `Model.Raw` ("Value would try to interpolate macros like `$__timeFilter`") and the
 *    **annotations** raw (Grafana ≤ 13.x: `Annotations.Raw`, documented in
 *    docs/sources/alerting/set-up/provision-alerting-resources/file-provisioning, "Labels are
 *    interpolated but Annotations aren't", PR #84106) or, on Grafana's main branch
 *    (rules_types.go as of commit 0085cf86, PR #127214), `Annotations.ValueWithBracedVars()`,
 *    which expands braced `${NAME}` only,
 *    pkg/services/provisioning/alerting/contact_point_types.go (`ReceiverV1.Settings` a
 *    `JSONValue` read with `.Value()` since PR #55666),
 *    pkg/services/provisioning/alerting/notification_policy_types.go (the whole policy tree a
 *    `JSONValue`, read with `.Value()`).
 *
 * So: a literal `$` in an interpolated field is written `$$`; in a rule's query model or
 * annotations it is written `$` (a `$$` stays `$$` there, and InfluxQL or the Go template sees
 * it). The annotations are checked under both annotation rules (raw and braced-only): a file
 * that is right under one and wrong under the other is wrong.
 */
import { readFileSync } from 'node:fs';

export type Env = Readonly<Record<string, string | undefined>>;

// ---- Go's os.Expand (src/os/env.go) ----

const isShellSpecialVar = (c: string) => '*#$@!?-0123456789'.includes(c);
const isAlphaNum = (c: string) => /^[A-Za-z0-9_]$/.test(c);

/** Go's `getShellName`: the name after a `$` and how many characters it used. */
function getShellName(s: string): [string, number] {
  if (s[0] === '{') {
    if (s.length > 2 && isShellSpecialVar(s[1]) && s[2] === '}') return [s.slice(1, 2), 3];
    for (let i = 1; i < s.length; i++) {
      if (s[i] === '}') {
        if (i === 1) return ['', 2]; // bad syntax: "${}" is eaten
        return [s.slice(1, i), i + 1];
      }
    }
    return ['', 1]; // bad syntax: "${" is eaten
  }
  if (isShellSpecialVar(s[0])) return [s.slice(0, 1), 1];
  let i = 0;
  while (i < s.length && isAlphaNum(s[i])) i++;
  return [s.slice(0, i), i];
}

/** Go's `os.Expand(s, mapping)`. */
export function goExpand(s: string, mapping: (name: string) => string): string {
  let out = '';
  let i = 0;
  for (let j = 0; j < s.length; j++) {
    if (s[j] === '$' && j + 1 < s.length) {
      out += s.slice(i, j);
      const [name, w] = getShellName(s.slice(j + 1));
      if (name === '' && w > 0) {
        // invalid syntax: the characters are eaten
      } else if (name === '') {
        out += s[j]; // "$" not followed by a name: kept
      } else {
        out += mapping(name);
      }
      j += w;
      i = j + 1;
    }
  }
  return i === 0 ? s : out + s.slice(i);
}

// ---- Grafana's setting.ExpandVar (pkg/setting/expanders.go) ----

const EXPANDER = /\$(|__\w+){([^}]+)}/g;

/** `setting.ExpandVar`: `${NAME}`, `$__env{NAME}`, `$__file{path}`. */
export function grafanaExpandVar(s: string, env: Env): string {
  return s.replace(EXPANDER, (match, kind: string, arg: string) => {
    if (kind === '' || kind === '__env') return env[arg] ?? '';
    if (kind === '__file') return readFileSync(arg, 'utf8').trim();
    if (kind === '__vault') throw new Error(`$__vault is not modelled: ${match}`);
    return match; // an unknown expander name is left alone
  });
}

/** `values.interpolateValue`: the text as `.Value()` returns it. */
export function interpolateValue(val: string, env: Env): string {
  return val
    .split('$$')
    .map((part) => goExpand(grafanaExpandVar(part, env), (name) => env[name] ?? ''))
    .join('$');
}

/**
 * `ValueWithBracedVars` (Grafana main, PR #127214): braced `${NAME}` expanded, bare `$name`
 * left for the alert template. How it treats `$$` is not modelled: files must not rely on it.
 */
export function interpolateBracedOnly(val: string, env: Env): string {
  return val.replace(/\$\{([^}]+)\}/g, (_, name: string) => env[name] ?? '');
}

/** `JSONValue.Value()`: every string scalar of a nested structure interpolated. */
export function interpolateDeep(value: unknown, env: Env): unknown {
  if (typeof value === 'string') return interpolateValue(value, env);
  if (Array.isArray(value)) return value.map((v) => interpolateDeep(v, env));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateDeep(v, env)]));
  }
  return value;
}

/** `StringMapValue.Value()`: every value read as a string, then interpolated. */
function interpolateStringMap(map: unknown, env: Env): Record<string, string> {
  return Object.fromEntries(
    Object.entries((map ?? {}) as Record<string, unknown>).map(([k, v]) => [
      k,
      interpolateValue(scalar(v), env),
    ]),
  );
}

const asRecord = (v: unknown) => (v ?? {}) as Record<string, unknown>;

/** A YAML scalar as the text Grafana's value types read (objects are not scalars). */
export function scalar(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new Error(`not a scalar: ${JSON.stringify(v)}`);
}

// ---- File kinds ----

/** A datasources file as Grafana reads it: every field of every datasource interpolated. */
export function loadDatasources(doc: unknown, env: Env) {
  const d = asRecord(doc);
  return {
    ...d,
    datasources: ((d.datasources ?? []) as unknown[]).map((ds): Record<string, unknown> => {
      const { secureJsonData, ...rest } = asRecord(ds);
      return {
        ...(interpolateDeep(rest, env) as Record<string, unknown>),
        ...(secureJsonData === undefined
          ? {}
          : { secureJsonData: interpolateStringMap(secureJsonData, env) }),
      };
    }),
  };
}

/** A dashboard providers file as Grafana reads it: every provider field interpolated. */
export function loadDashboardProviders(doc: unknown, env: Env) {
  const d = asRecord(doc);
  return {
    ...d,
    providers: ((d.providers ?? []) as unknown[]).map(
      (p) => interpolateDeep(p, env) as Record<string, unknown>,
    ),
  };
}

export type AnnotationRule = 'raw' | 'braced-only';

export interface LoadedQuery {
  readonly refId: string;
  readonly datasourceUid: string;
  readonly relativeTimeRange?: { from: number; to: number };
  /** The query model exactly as Grafana stores it (never interpolated). */
  readonly model: Record<string, unknown>;
}

export interface LoadedRule {
  readonly uid: string;
  readonly title: string;
  readonly condition: string;
  readonly for: string;
  readonly noDataState: string;
  readonly execErrState: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly data: readonly LoadedQuery[];
}

export interface LoadedRuleGroup {
  readonly orgId: number;
  readonly name: string;
  /** The folder's full path (titles separated by `/`), never a uid. */
  readonly folder: string;
  readonly interval: string;
  readonly rules: readonly LoadedRule[];
}

/** An alert rules file as Grafana reads it, with the chosen annotation rule. */
export function loadRuleGroups(
  doc: unknown,
  env: Env,
  annotationRule: AnnotationRule,
): LoadedRuleGroup[] {
  const value = (v: unknown) => interpolateValue(scalar(v), env);
  return ((asRecord(doc).groups ?? []) as unknown[]).map((g) => {
    const group = asRecord(g);
    return {
      orgId: Math.max(Number(value(group.orgId) || 1), 1),
      name: value(group.name),
      folder: value(group.folder),
      interval: value(group.interval),
      rules: ((group.rules ?? []) as unknown[]).map((r) => {
        const rule = asRecord(r);
        const rawAnnotations = Object.fromEntries(
          Object.entries(asRecord(rule.annotations)).map(([k, v]) => [k, scalar(v)]),
        );
        return {
          uid: value(rule.uid),
          title: value(rule.title),
          condition: value(rule.condition),
          for: value(rule.for),
          noDataState: value(rule.noDataState),
          execErrState: value(rule.execErrState),
          labels: interpolateStringMap(rule.labels, env),
          annotations:
            annotationRule === 'raw'
              ? rawAnnotations
              : Object.fromEntries(
                  Object.entries(rawAnnotations).map(([k, v]) => [
                    k,
                    interpolateBracedOnly(v, env),
                  ]),
                ),
          data: ((rule.data ?? []) as unknown[]).map((q) => {
            const query = asRecord(q);
            return {
              refId: value(query.refId),
              datasourceUid: value(query.datasourceUid),
              relativeTimeRange: query.relativeTimeRange as LoadedQuery['relativeTimeRange'],
              model: asRecord(query.model), // Model.Raw
            };
          }),
        };
      }),
    };
  });
}

/** A contact points file as Grafana reads it: name, uid, type and settings interpolated. */
export function loadContactPoints(doc: unknown, env: Env) {
  return ((asRecord(doc).contactPoints ?? []) as unknown[]).map((c) => {
    const cp = asRecord(c);
    return {
      orgId: Number(interpolateValue(scalar(cp.orgId ?? 1), env)) || 1,
      name: interpolateValue(scalar(cp.name), env).trim(),
      receivers: ((cp.receivers ?? []) as unknown[]).map((r) => {
        const receiver = asRecord(r);
        return {
          uid: interpolateValue(scalar(receiver.uid), env).trim(),
          type: interpolateValue(scalar(receiver.type), env).trim(),
          settings: interpolateDeep(receiver.settings ?? {}, env) as Record<string, unknown>,
        };
      }),
    };
  });
}

/** A notification policies file as Grafana reads it: the whole tree interpolated. */
export function loadPolicies(doc: unknown, env: Env) {
  return ((asRecord(doc).policies ?? []) as unknown[]).map(
    (p) => interpolateDeep(p, env) as Record<string, unknown>,
  );
}

// ---- Folders (item: one folder, one uid) ----

export interface Folder {
  readonly uid: string;
  readonly title: string;
  readonly parentUid: string;
}

/**
 * The folders Grafana ends up with on an empty database, in its start-up order:
 *  1. pkg/services/provisioning/provisioning.go: `RunInitProvisioners` provisions datasources,
 *     plugins and **alerting** during `Server.Init`; `Run` (a background service, later)
 *     provisions **dashboards**.
 *  2. pkg/services/provisioning/alerting/rules_provisioner.go: `getOrCreateFolderFullpath`
 *     splits `folder` into titles and looks each up **by title** under its parent
 *     (`folder.GetFolderQuery{Title, ParentUID}`); a missing one is created with a **random**
 *     uid (`util.GenerateShortUID()`). The rule file has no folder-uid field
 *     (`AlertRuleGroupV1`; grafana/grafana issue #125079, open).
 *  3. pkg/services/provisioning/dashboards/file_reader.go: `getOrCreateFolder` looks the
 *     provider's folder up **by `folderUid`** when set, otherwise by title; a missing one is
 *     created with `folderUid` (or a random uid).
 * Returns every folder and where each rule group and each provider landed.
 */
export function provisionFolders(
  groups: readonly LoadedRuleGroup[],
  providers: readonly Record<string, unknown>[],
) {
  const folders: Folder[] = [];
  let random = 0;
  const newUid = () => `random-${++random}`;
  const byTitle = (title: string, parentUid: string) =>
    folders.find((f) => f.title === title && f.parentUid === parentUid);
  const create = (title: string, uid: string, parentUid = ''): Folder => {
    const folder = { uid, title, parentUid };
    folders.push(folder);
    return folder;
  };

  const ruleGroupFolders = new Map<string, string>();
  for (const group of groups) {
    let parentUid = '';
    for (const title of splitFullpath(group.folder)) {
      parentUid = (byTitle(title, parentUid) ?? create(title, newUid(), parentUid)).uid;
    }
    ruleGroupFolders.set(group.name, parentUid);
  }

  const providerFolders = new Map<string, string>();
  for (const provider of providers) {
    const title = scalar(provider.folder);
    const uid = scalar(provider.folderUid);
    if (title === '') continue; // ErrFolderNameMissing: dashboards go to the root
    const found = uid !== '' ? folders.find((f) => f.uid === uid) : byTitle(title, '');
    providerFolders.set(scalar(provider.name), (found ?? create(title, uid || newUid())).uid);
  }
  return { folders, ruleGroupFolders, providerFolders };
}

/** `folderimpl.SplitFullpath`: titles separated by `/`, `\/` an escaped slash. */
export function splitFullpath(path: string): string[] {
  return path
    .split(/(?<!\\)\//)
    .map((t) => t.replace(/\\\//g, '/').trim())
    .filter((t) => t !== '');
}
