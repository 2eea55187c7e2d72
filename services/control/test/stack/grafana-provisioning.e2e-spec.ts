/**
 * Grafana provisioning, checked without a Grafana: structure (uids, required rule fields,
 * relative time ranges, contact points), coverage (every measurement, tag and field a query
 * names is one the service writes — derived from the service's own point builders), and
 * execution: every InfluxQL query, macros substituted, runs on a real InfluxDB 1.x loaded with
 * the service's lines, and returns data.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { InfluxDb1Server } from '../support/servers/influxdb1';
import { schemaOf } from './support/line-protocol';
import { DEVICE, serviceLines } from './support/service-lines';

const ROOT = resolve(__dirname, '../../../..');
const GRAFANA = join(ROOT, 'grafana');
const readYaml = (path: string) => parse(readFileSync(join(GRAFANA, path), 'utf8'));

interface Query {
  readonly where: string;
  readonly text: string;
  /** Seconds of history the query looks at ($timeFilter). */
  readonly rangeS: number;
}

interface Rule {
  uid: string;
  title: string;
  condition: string;
  for: string;
  noDataState: string;
  execErrState: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  data: {
    refId: string;
    datasourceUid: string;
    relativeTimeRange?: { from: number; to: number };
    model: Record<string, unknown>;
  }[];
}

const datasources = readYaml('provisioning/datasources/influxdb.yaml');
const uids = new Set<string>(datasources.datasources.map((d: { uid: string }) => d.uid));
const dashboards = readdirSync(join(GRAFANA, 'dashboards'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({
    file: f,
    json: JSON.parse(readFileSync(join(GRAFANA, 'dashboards', f), 'utf8')),
  }));
const ruleGroups = readYaml('provisioning/alerting/rules.yaml').groups as {
  name: string;
  folder: string;
  interval: string;
  rules: Rule[];
}[];
const rules = ruleGroups.flatMap((g) => g.rules);

/** Every InfluxQL text of dashboards (panels, variables, annotations) and alert rules. */
function allQueries(): Query[] {
  const queries: Query[] = [];
  for (const { file, json } of dashboards) {
    for (const v of json.templating.list)
      queries.push({ where: `${file} variable ${v.name}`, text: v.query, rangeS: 3600 });
    for (const a of json.annotations.list)
      queries.push({ where: `${file} annotation ${a.name}`, text: a.query, rangeS: 3600 });
    for (const p of json.panels) {
      for (const t of p.targets)
        queries.push({
          where: `${file} panel "${p.title}" ${t.refId}`,
          text: t.query,
          rangeS: 3600,
        });
    }
  }
  for (const rule of rules) {
    for (const d of rule.data.filter((x) => x.datasourceUid !== '__expr__')) {
      // Grafana expands $VAR in provisioning YAML; `$$` is a literal `$`.
      const text = String(d.model.query).replace(/\$\$/g, '$');
      queries.push({
        where: `rule ${rule.uid} ${d.refId}`,
        text,
        rangeS: d.relativeTimeRange!.from,
      });
    }
  }
  return queries;
}

/** What Grafana sends for a raw InfluxQL query. */
function substituteMacros(q: Query): string {
  return q.text
    .replace(/\$timeFilter/g, `time >= now() - ${q.rangeS}s`)
    .replace(/\$__interval/g, '10s')
    .replace(/\$device\b/g, DEVICE);
}

describe('Grafana provisioning: structure', () => {
  it('provisions one InfluxQL datasource whose secrets come from the environment', () => {
    expect(datasources.datasources).toHaveLength(1);
    const ds = datasources.datasources[0];
    expect(ds).toMatchObject({ type: 'influxdb', uid: 'cryopilot-influxql', access: 'proxy' });
    expect(ds.jsonData).toMatchObject({ version: 'InfluxQL', dbName: 'cryopilot' });
    expect(ds.secureJsonData.password).toBe('${GRAFANA_INFLUX_PASSWORD}');
  });

  it('dashboards: unique uids, every panel, target, variable and annotation on a provisioned datasource', () => {
    const dashboardUids = dashboards.map((d) => d.json.uid);
    expect(new Set(dashboardUids).size).toBe(dashboards.length);
    expect(dashboardUids.sort()).toEqual(['cryopilot-diagnostics', 'cryopilot-process']);
    for (const { json } of dashboards) {
      const refs = [
        ...json.panels.flatMap(
          (p: { datasource: { uid: string }; targets: { datasource: { uid: string } }[] }) => [
            p.datasource.uid,
            ...p.targets.map((t) => t.datasource.uid),
          ],
        ),
        ...json.templating.list.map((v: { datasource: { uid: string } }) => v.datasource.uid),
        ...json.annotations.list.map((a: { datasource: { uid: string } }) => a.datasource.uid),
      ];
      for (const uid of refs) expect(uids).toContain(uid);
      for (const p of json.panels) {
        expect(p.gridPos).toEqual(
          expect.objectContaining({ w: expect.any(Number), h: expect.any(Number) }),
        );
        expect(p.targets.length).toBeGreaterThan(0);
      }
    }
  });

  it('the process dashboard shows both O2 sensors with thresholds, the level, the valve, alarms and audit', () => {
    const process = dashboards.find((d) => d.json.uid === 'cryopilot-process')!.json;
    const o2 = process.panels.find((p: { title: string }) => p.title.startsWith('Oxygen'));
    expect(o2.targets.map((t: { query: string }) => t.query).join()).toMatch(/o2_1.*o2_2/);
    const steps = o2.fieldConfig.defaults.thresholds.steps.map(
      (s: { value: number | null }) => s.value,
    );
    expect(steps).toEqual([null, 18, 19.5, 23.5]);
    expect(process.annotations.list.map((a: { name: string }) => a.name)).toEqual([
      'Alarms',
      'Operator actions',
    ]);
  });

  it('the dashboard provider reads the folder Compose mounts', () => {
    const provider = readYaml('provisioning/dashboards/cryopilot.yaml').providers[0];
    const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'));
    expect(compose.services.grafana.volumes).toContain(
      `./grafana/dashboards:${provider.options.path}:ro`,
    );
    expect(compose.services.grafana.volumes).toContain(
      './grafana/provisioning:/etc/grafana/provisioning:ro',
    );
  });

  it('alert rules: the six required, each with the fields Grafana needs and a relative time range', () => {
    expect(rules.map((r) => r.uid).sort()).toEqual([
      'cryopilot-fill-timeout',
      'cryopilot-ln2-low',
      'cryopilot-no-data',
      'cryopilot-o2-low',
      'cryopilot-o2-low-low',
      'cryopilot-sensor-fault',
    ]);
    for (const group of ruleGroups) {
      expect(group).toMatchObject({
        name: expect.any(String),
        folder: expect.any(String),
        interval: expect.stringMatching(/^\d+[sm]$/),
      });
    }
    for (const rule of rules) {
      expect(rule.title).toEqual(expect.any(String));
      expect(rule.for).toMatch(/^\d+[smh]$/);
      expect(['NoData', 'Alerting', 'OK', 'KeepLast']).toContain(rule.noDataState);
      expect(['Alerting', 'Error', 'OK', 'KeepLast']).toContain(rule.execErrState);
      expect(['critical', 'warning']).toContain(rule.labels.severity);
      expect(rule.annotations.summary).toEqual(expect.any(String));
      const refIds = rule.data.map((d) => d.refId);
      expect(refIds).toContain(rule.condition);
      for (const d of rule.data) {
        expect(d.model.refId).toBe(d.refId);
        expect(d.relativeTimeRange?.from).toBeGreaterThan(0);
        expect(d.relativeTimeRange?.to).toBe(0);
        if (d.datasourceUid === '__expr__') {
          expect(['reduce', 'threshold', 'math']).toContain(d.model.type);
          expect(refIds).toContain(d.model.expression);
        } else {
          expect(uids).toContain(d.datasourceUid);
          expect(d.model).toMatchObject({
            rawQuery: true,
            query: expect.stringContaining('$$timeFilter'),
          });
        }
      }
    }
    // No data from the service must alert, not stay silent.
    expect(rules.find((r) => r.uid === 'cryopilot-no-data')!.noDataState).toBe('Alerting');
  });

  it('contact points (e-mail and webhook) and the policy come from the environment and match up', () => {
    const contact = readYaml('provisioning/alerting/contact-points.yaml').contactPoints;
    const receivers = contact.flatMap(
      (c: { receivers: { type: string; settings: Record<string, string> }[] }) => c.receivers,
    );
    expect(receivers.map((r: { type: string }) => r.type).sort()).toEqual(['email', 'webhook']);
    expect(receivers.find((r: { type: string }) => r.type === 'email').settings.addresses).toBe(
      '${ALERT_EMAIL_TO}',
    );
    expect(receivers.find((r: { type: string }) => r.type === 'webhook').settings.url).toBe(
      '${ALERT_WEBHOOK_URL}',
    );
    const names = new Set(contact.map((c: { name: string }) => c.name));
    const policy = readYaml('provisioning/alerting/policies.yaml').policies[0];
    for (const receiver of [
      policy.receiver,
      ...policy.routes.map((r: { receiver: string }) => r.receiver),
    ]) {
      expect(names).toContain(receiver);
    }
  });

  it('every ${VAR} of the provisioning files is passed to the Grafana container', () => {
    const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'));
    const env = Object.keys(compose.services.grafana.environment);
    const files = [
      'datasources/influxdb.yaml',
      'alerting/contact-points.yaml',
      'alerting/policies.yaml',
      'alerting/rules.yaml',
    ];
    const text = files
      .map((f) => readFileSync(join(GRAFANA, 'provisioning', f), 'utf8'))
      .join('\n');
    const values = text
      .split('\n')
      .filter((line) => !line.trim().startsWith('#'))
      .join('\n')
      .replace(/\$\$/g, '');
    const vars = [...values.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]);
    expect(vars.length).toBeGreaterThan(0);
    for (const v of vars) expect(env).toContain(v);
  });
});

describe('Grafana queries against what the service writes', () => {
  const endMs = Date.now();
  const lines = serviceLines(endMs);
  const written = schemaOf(lines);
  let influx: InfluxDb1Server;

  beforeAll(async () => {
    influx = await InfluxDb1Server.start();
    await influx.query('CREATE DATABASE cryopilot');
    // The `long` retention policy maps to the downsampled bucket (influxdb/init); loaded here
    // with the same lines so that its queries run on real data too.
    await influx.query('CREATE RETENTION POLICY "long" ON "cryopilot" DURATION INF REPLICATION 1');
    await influx.write('cryopilot', lines);
    await influx.write('cryopilot', lines, 'long');
  }, 30_000);
  afterAll(async () => {
    await influx?.close();
  });

  it('every measurement, tag and field a dashboard or rule names is one the service writes', () => {
    const init = readFileSync(join(ROOT, 'influxdb/init/10-cryopilot.sh'), 'utf8');
    const problems: string[] = [];
    for (const q of allQueries()) {
      const from = /FROM\s+(?:"(\w+)"\.)?"(\w+)"/.exec(q.text);
      if (!from) {
        problems.push(`${q.where}: no FROM "measurement"`);
        continue;
      }
      const [clause, rp, measurement] = from;
      if (rp) expect(init).toContain(`--rp ${rp} `);
      const schema = written.get(measurement);
      if (!schema) {
        problems.push(`${q.where}: measurement "${measurement}" is never written`);
        continue;
      }
      const names = [...q.text.replace(clause, '').matchAll(/"(\w+)"/g)].map((m) => m[1]);
      for (const name of names) {
        if (!schema.tags.has(name) && !schema.fields.has(name)) {
          problems.push(`${q.where}: "${name}" is neither a tag nor a field of ${measurement}`);
        }
      }
    }
    expect(problems).toEqual([]);
    // And the builders produce what the queries need (guards against an empty schema).
    expect([...written.keys()].sort()).toEqual([
      'alarm',
      'audit',
      'channel',
      'diagnostics',
      'link',
      'valve',
    ]);
  });

  it('every query runs on InfluxDB 1.x, with macros substituted, and returns data', async () => {
    const failures: string[] = [];
    for (const q of allQueries()) {
      const sql = substituteMacros(q);
      const [result] = await influx.query(sql, 'cryopilot');
      const rows = (result?.series ?? []).flatMap((s) =>
        s.values.filter((row) => row.slice(1).some((v) => v !== null)),
      );
      if (result?.error) failures.push(`${q.where}: ${result.error}\n    ${sql}`);
      else if (rows.length === 0) failures.push(`${q.where}: no data\n    ${sql}`);
    }
    expect(failures).toEqual([]);
  });
});
