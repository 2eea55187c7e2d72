/**
 * The loading rules of grafana-loading.ts, go-template.ts and grafana-influxql.ts against
 * known answers taken from the upstream sources' own tests: Go's src/os/env_test.go
 * (`expandTests`, `testGetenv`), Grafana's pkg/services/provisioning/values/values_test.go,
 * Go's text/template lexer rules and Grafana's InfluxQL `Build` replacements.
 */
import { goTemplateError, grafanaTemplateError } from './go-template';
import { buildInfluxQl, formatInterval } from './grafana-influxql';
import {
  goExpand,
  interpolateBracedOnly,
  interpolateDeep,
  interpolateValue,
  loadRuleGroups,
  provisionFolders,
  splitFullpath,
} from './grafana-loading';

const testGetenv: Record<string, string> = {
  '*': 'all the args',
  '#': 'NARGS',
  $: 'PID',
  '1': 'ARGUMENT1',
  HOME: '/usr/gopher',
  H: '(Value of H)',
  home_1: '/usr/foo',
  _: 'underscore',
};

describe("Go's os.Expand (src/os/env_test.go expandTests)", () => {
  it.each([
    ['', ''],
    ['$*', 'all the args'],
    ['$$', 'PID'],
    ['${*}', 'all the args'],
    ['$1', 'ARGUMENT1'],
    ['${1}', 'ARGUMENT1'],
    ['now is the time', 'now is the time'],
    ['$HOME', '/usr/gopher'],
    ['$home_1', '/usr/foo'],
    ['${HOME}', '/usr/gopher'],
    ['${H}OME', '(Value of H)OME'],
    ['A$$$#$1$H$home_1*B', 'APIDNARGSARGUMENT1(Value of H)/usr/foo*B'],
    ['start$+middle$^end$', 'start$+middle$^end$'],
    ['mixed$|bag$$$', 'mixed$|bagPID$'],
    ['$', '$'],
    ['$}', '$}'],
    ['${', ''],
    ['${}', ''],
  ])('%j → %j', (input, output) => {
    expect(goExpand(input, (name) => testGetenv[name] ?? '')).toBe(output);
  });
});

describe("Grafana's provisioning interpolation (values_test.go)", () => {
  const env = { INT: '1', STRING: 'test', EMPTYSTRING: '', BOOL: 'true' };

  it.each([
    ['test', 'test'],
    ['$STRING', 'test'],
    ['$EMPTYSTRING', ''],
    ['$$', '$'],
    ['mY,Passwo$$rd', 'mY,Passwo$rd'],
    ['$__env{STRING}', 'test'],
    ['${STRING}', 'test'],
  ])('StringValue %j → %j', (input, output) => {
    expect(interpolateValue(input, env)).toBe(output);
  });

  it('JSONValue interpolates nested strings only', () => {
    expect(
      interpolateDeep({ one: 1, two: '$STRING', three: [1, 'two', { inside: '$STRING' }] }, env),
    ).toEqual({ one: 1, two: 'test', three: [1, 'two', { inside: 'test' }] });
  });

  it('${VAR} is expanded twice (ExpandVar, then os.ExpandEnv): a `$` in its value is lost; $VAR keeps it', () => {
    const withDollar = { URL: 'https://h/x?a=$2' };
    expect(interpolateValue('${URL}', withDollar)).toBe('https://h/x?a=');
    expect(interpolateValue('$URL', withDollar)).toBe('https://h/x?a=$2');
  });

  it('braced-only expansion (Grafana main, annotations) leaves bare $names alone', () => {
    expect(interpolateBracedOnly('{{ $labels.x }} ${STRING}', env)).toBe('{{ $labels.x }} test');
  });

  it('rule query models stay raw; labels are interpolated; annotations raw or braced-only', () => {
    const doc = {
      groups: [
        {
          name: 'g',
          folder: 'F',
          interval: '1m',
          rules: [
            {
              uid: 'u',
              title: 't',
              condition: 'A',
              labels: { a: '$STRING', b: '$$x' },
              annotations: { s: '{{ $labels.a }} ${STRING}' },
              data: [{ refId: 'A', datasourceUid: 'd', model: { query: 'x AND $$timeFilter' } }],
            },
          ],
        },
      ],
    };
    const [raw] = loadRuleGroups(doc, env, 'raw');
    expect(raw.rules[0].labels).toEqual({ a: 'test', b: '$x' });
    expect(raw.rules[0].data[0].model.query).toBe('x AND $$timeFilter');
    expect(raw.rules[0].annotations.s).toBe('{{ $labels.a }} ${STRING}');
    const [braced] = loadRuleGroups(doc, env, 'braced-only');
    expect(braced.rules[0].annotations.s).toBe('{{ $labels.a }} test');
  });
});

describe("Go's text/template parse rules", () => {
  it.each([
    '{{ $labels.device }}',
    '{{- $labels.device -}}',
    '{{ index $labels "channel" }}',
    '{{ if $labels.channel }}, channel {{ $labels.channel }}{{ end }}',
    '{{ with index $values "B" }}{{ . }}{{ end }}',
    '{{ $x := $labels.a }}{{ $x }}',
    '{{/* a comment */}}plain',
    '{{ range $k, $v := $labels }}{{ $k }}={{ $v }} {{ end }}',
    '{{ printf "%.1f" 3.14 }}',
  ])('parses %j', (text) => {
    expect(grafanaTemplateError(text)).toBeNull();
  });

  it.each([
    ['{{ $$labels.device }}', "bad character U+0024 '$'"],
    ['{{ $labels.dev-ice }}', "bad character U+002D '-'"],
    ['{{ $nothing }}', 'undefined variable "$nothing"'],
    ['{{ if $labels.a }}open', 'unexpected EOF'],
    ['{{ end }}', 'unexpected {{end}}'],
    ['{{ nosuchfunc 1 }}', 'function "nosuchfunc" not defined'],
    ['{{ "unterminated }}', 'unterminated quoted string'],
    ['{{ }}', 'missing value for command'],
    ['{{ $labels.a ', 'unclosed action'],
  ])('refuses %j (%s)', (text, message) => {
    expect(grafanaTemplateError(text)).toContain(message);
  });

  it('knows only the variables it is given', () => {
    expect(goTemplateError('{{ $labels }}', [])).toBe('undefined variable "$labels"');
  });
});

describe("Grafana's InfluxQL Build and folders", () => {
  it('replaces $timeFilter with epoch milliseconds, then the interval macros, as plain text', () => {
    const q = buildInfluxQl('SELECT x WHERE $timeFilter GROUP BY time($__interval)', {
      range: { fromMs: 1000, toMs: 61_000 },
      minIntervalMs: 1000,
      maxDataPoints: 60,
    });
    expect(q).toBe('SELECT x WHERE time >= 1000ms and time <= 61000ms GROUP BY time(1s)');
    // A provisioning escape left in a raw model becomes a bound parameter `$time`.
    expect(
      buildInfluxQl('WHERE $$timeFilter', { range: { fromMs: 0, toMs: 1 }, minIntervalMs: 1 }),
    ).toBe('WHERE $time >= 0ms and time <= 1ms');
  });

  it('gtime.FormatInterval', () => {
    expect([1, 999, 1000, 90_000, 3_600_000, 86_400_000].map(formatInterval)).toEqual([
      '1ms',
      '999ms',
      '1s',
      '1m',
      '1h',
      '1d',
    ]);
  });

  it('folder paths split at unescaped slashes', () => {
    expect(splitFullpath('A/B\\/C/ D ')).toEqual(['A', 'B/C', 'D']);
  });

  it('a provider folderUid that alerting did not create makes a second folder of the same title', () => {
    const groups = [{ orgId: 1, name: 'g', folder: 'F', interval: '1m', rules: [] }];
    expect(
      provisionFolders(groups, [{ name: 'p', folder: 'F', folderUid: 'f' }]).folders,
    ).toHaveLength(2);
    expect(provisionFolders(groups, [{ name: 'p', folder: 'F' }]).folders).toHaveLength(1);
  });
});
