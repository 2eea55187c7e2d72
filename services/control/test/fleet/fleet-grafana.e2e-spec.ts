/**
 * The central site's Grafana files (deploy/central/grafana), checked as shipped — never
 * rewritten first — with the project's Grafana loading rules (test/stack/support): the fleet
 * dashboard's and the fleet alert rules' InfluxQL, built as Grafana's datasource builds it, runs
 * on a real InfluxDB 1.x loaded with the service's own lines for two devices and returns data;
 * every name it uses is one the service writes; rule models keep ONE `$`; annotations parse as
 * Grafana's templates; the drill-down links reach the per-device dashboards' uids and variable.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../support/servers/engine';
import { InfluxDb1Server } from '../support/servers/influxdb1';
import { grafanaTemplateError } from '../stack/support/go-template';
import { buildInfluxQl } from '../stack/support/grafana-influxql';
import {
  loadContactPoints,
  loadPolicies,
  loadRuleGroups,
  type LoadedRule,
} from '../stack/support/grafana-loading';
import { schemaOf } from '../stack/support/line-protocol';
import { DEVICE, serviceLines } from '../stack/support/service-lines';

const CENTRAL = join(ROOT, 'deploy/central');
const ALERTING = join(CENTRAL, 'grafana/provisioning/alerting');
const readYaml = (path: string) => parse(readFileSync(path, 'utf8')) as unknown;
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Dashboard;
/** A second device: the same lines under another `device` tag (a fleet of two). */
const OTHER = 'pi-2';

interface Target {
  refId: string;
  query: string;
  datasource: { uid: string };
}
interface Panel {
  title: string;
  datasource: { uid: string };
  targets: Target[];
  fieldConfig: { overrides: { properties: { id: string; value: { url: string }[] }[] }[] };
}
interface Dashboard {
  uid: string;
  links: { url: string }[];
  panels: Panel[];
  templating: { list: { name: string; query: string; multi?: boolean }[] };
}

const fleet = readJson(join(CENTRAL, 'grafana/dashboards/fleet.json'));
const deviceDashboards = ['process', 'diagnostics'].map((n) =>
  readJson(join(ROOT, `grafana/dashboards/${n}.json`)),
);
const rules = (): LoadedRule[] =>
  loadRuleGroups(readYaml(join(ALERTING, 'fleet-rules.yaml')), {}, 'raw').flatMap((g) => g.rules);

interface Query {
  where: string;
  text: string;
  rangeS: number;
}
function queries(): Query[] {
  const list: Query[] = fleet.templating.list.map((v) => ({
    where: `variable ${v.name}`,
    text: v.query,
    rangeS: 3600,
  }));
  for (const p of fleet.panels)
    for (const t of p.targets)
      list.push({ where: `panel "${p.title}" ${t.refId}`, text: t.query, rangeS: 3600 });
  for (const rule of rules())
    for (const d of rule.data.filter((x) => x.datasourceUid !== '__expr__'))
      list.push({
        where: `rule ${rule.uid} ${d.refId}`,
        text: String(d.model.query), // exactly as Grafana stores it
        rangeS: d.relativeTimeRange!.from,
      });
  return list;
}

describe('central Grafana: the fleet dashboard and rules, as shipped', () => {
  it('every panel, target and variable is on the provisioned InfluxQL datasource', () => {
    const uids = new Set<string>();
    for (const p of fleet.panels) {
      uids.add(p.datasource.uid);
      for (const t of p.targets) uids.add(t.datasource.uid);
    }
    const provisioned = readYaml(join(ROOT, 'grafana/provisioning/datasources/influxdb.yaml')) as {
      datasources: { uid: string }[];
    };
    expect([...uids]).toEqual([provisioned.datasources[0].uid]);
    expect(fleet.templating.list.map((v) => [v.name, v.multi])).toEqual([['device', true]]);
  });

  it('links drill into the per-device dashboards by their uid and `device` variable', () => {
    const targets = new Map(deviceDashboards.map((d) => [d.uid, d]));
    const urls = [
      ...fleet.links.map((l) => l.url),
      ...fleet.panels.flatMap((p) =>
        p.fieldConfig.overrides.flatMap((o) =>
          o.properties.filter((x) => x.id === 'links').flatMap((x) => x.value.map((l) => l.url)),
        ),
      ),
    ];
    expect(urls.length).toBeGreaterThan(2);
    for (const url of urls) {
      const uid = /^\/d\/([\w-]+)\//.exec(url)?.[1];
      expect(targets.has(uid!)).toBe(true);
      expect(targets.get(uid!)!.templating.list.map((v) => v.name)).toContain('device');
      if (url.includes('?')) expect(url).toContain('var-device=${__value.raw}');
    }
  });

  it('rules: one `$` in query models, per device, templates Grafana parses, a routed receiver', () => {
    const problems: string[] = [];
    for (const rule of rules()) {
      for (const d of rule.data.filter((x) => x.datasourceUid !== '__expr__')) {
        const q = String(d.model.query);
        if (q.includes('$$')) problems.push(`${rule.uid}: "$$" reaches InfluxDB as is`);
        if (!/\$timeFilter\b/.test(q)) problems.push(`${rule.uid}: no $timeFilter`);
        if (!/GROUP BY .*"device"/.test(q)) problems.push(`${rule.uid}: not per device`);
      }
      for (const [key, text] of Object.entries({ ...rule.annotations, ...rule.labels })) {
        const error = grafanaTemplateError(text);
        if (error) problems.push(`${rule.uid} ${key}: ${error}`);
      }
    }
    expect(problems).toEqual([]);
    const env = { FLEET_ALERT_WEBHOOK_URL: 'https://hooks.example.org/fleet' };
    const points = loadContactPoints(readYaml(join(ALERTING, 'contact-points.yaml')), env);
    const [policy] = loadPolicies(readYaml(join(ALERTING, 'policies.yaml')), env);
    expect(JSON.stringify(points)).toContain(env.FLEET_ALERT_WEBHOOK_URL);
    expect(JSON.stringify(points)).toContain(String(policy.receiver));
    expect(policy.group_by).toEqual(['device']);
  });

  describe('queries against what the service writes', () => {
    const endMs = Date.now();
    const base = serviceLines(endMs);
    const lines = [...base, ...base.map((l) => l.replace(`device=${DEVICE}`, `device=${OTHER}`))];
    let influx: InfluxDb1Server;

    beforeAll(async () => {
      influx = await InfluxDb1Server.start();
      await influx.query('CREATE DATABASE cryopilot');
      await influx.write('cryopilot', lines);
    }, 30_000);
    afterAll(async () => {
      await influx?.close();
    });

    it('every measurement, tag and field named is one the service writes', () => {
      const written = schemaOf(lines);
      const problems: string[] = [];
      for (const q of queries().filter((x) => !x.text.startsWith('SHOW'))) {
        const from = /FROM\s+"(\w+)"/.exec(q.text);
        const schema = from && written.get(from[1]);
        if (!from || !schema) {
          problems.push(`${q.where}: unknown measurement`);
          continue;
        }
        const rest = q.text.replace(from[0], '').replace(/ AS "\w+"/g, '');
        for (const [, name] of rest.matchAll(/"(\w+)"/g))
          if (!schema.tags.has(name) && !schema.fields.has(name))
            problems.push(`${q.where}: "${name}" is not in ${from[1]}`);
      }
      expect(problems).toEqual([]);
    });

    it('every query, built as Grafana builds it, runs on InfluxDB 1.x and returns both devices', async () => {
      const failures: string[] = [];
      for (const q of queries()) {
        const sql = buildInfluxQl(q.text, {
          range: { fromMs: Date.now() - q.rangeS * 1000, toMs: Date.now() },
          minIntervalMs: 1000,
          // Grafana's InfluxDB regex format of a multi-value variable.
          dashboardVariables: { device: `(${DEVICE}|${OTHER})` },
        });
        const [result] = await influx.query(sql, 'cryopilot');
        const series = result?.series ?? [];
        const seen = JSON.stringify(series);
        if (result?.error) failures.push(`${q.where}: ${result.error}\n    ${sql}`);
        else if (!series.some((s) => s.values.some((row) => row.slice(1).some((v) => v !== null))))
          failures.push(`${q.where}: no data\n    ${sql}`);
        else if (!seen.includes(`"${OTHER}"`) || !seen.includes(`"${DEVICE}"`))
          failures.push(`${q.where}: not every device\n    ${sql}`);
      }
      expect(failures).toEqual([]);
    });
  });
});
