/**
 * The InfluxQL text Grafana's InfluxDB datasource (backend, InfluxQL mode) sends for a raw
 * query, from grafana/grafana pkg/tsdb/influxdb/influxql/models/query.go `(*Query).Build`:
 *
 *   res = query.RawQuery                       (no ad-hoc filters here)
 *   res = strings.ReplaceAll(res, "$timeFilter", "time >= <from>ms and time <= <to>ms")
 *   res = strings.ReplaceAll(res, "$interval", gtime.FormatInterval(interval))
 *   res = strings.ReplaceAll(res, "$__interval_ms", <interval in ms>)
 *   res = strings.ReplaceAll(res, "$__interval", gtime.FormatInterval(interval))
 *
 * `renderTimeFilter` → `epochMStoInfluxTime`: epoch milliseconds with the `ms` unit. The
 * replacements are plain substring replacements in that order: a `$$timeFilter` (a provisioning
 * escape left in the raw model) becomes `$time >= …`, which InfluxDB reads as a bound
 * parameter and refuses ("missing parameter: time").
 *
 * The interval is the datasource's minimum (`timeInterval`) or the range divided by
 * `maxDataPoints`, whichever is larger (pkg/tsdb/influxdb/influxql/models/model_parser.go with
 * the SDK's interval calculator); its rounding table is not modelled: any whole duration is
 * a valid InfluxQL duration of the same form.
 * Dashboard template variables (`$device`) are replaced by Grafana's front end before the
 * query reaches the backend; `dashboardVariables` stands for that step.
 */

/** grafana-plugin-sdk-go backend/gtime `FormatInterval`. */
export function formatInterval(ms: number): string {
  const s = 1000;
  const units: [number, string][] = [
    [365 * 86_400 * s, 'y'],
    [86_400 * s, 'd'],
    [3600 * s, 'h'],
    [60 * s, 'm'],
    [s, 's'],
    [1, 'ms'],
  ];
  for (const [size, unit] of units) {
    if (ms >= size) return `${Math.floor(ms / size)}${unit}`;
  }
  return '1ms';
}

export interface QueryTimeRange {
  readonly fromMs: number;
  readonly toMs: number;
}

export interface BuildOptions {
  readonly range: QueryTimeRange;
  /** The datasource's `jsonData.timeInterval` in ms (minimum interval). */
  readonly minIntervalMs: number;
  readonly maxDataPoints?: number;
  readonly dashboardVariables?: Readonly<Record<string, string>>;
}

/** The InfluxQL Grafana sends for a raw query. */
export function buildInfluxQl(rawQuery: string, options: BuildOptions): string {
  let res = rawQuery;
  for (const [name, value] of Object.entries(options.dashboardVariables ?? {})) {
    res = res.replace(new RegExp(`\\$${name}\\b`, 'g'), value);
  }
  const { fromMs, toMs } = options.range;
  const perPoint = Math.ceil((toMs - fromMs) / (options.maxDataPoints ?? 43_200) / 1000) * 1000;
  const intervalMs = Math.max(options.minIntervalMs, perPoint);
  const intervalText = formatInterval(intervalMs);
  return res
    .replaceAll('$timeFilter', `time >= ${Math.floor(fromMs)}ms and time <= ${Math.floor(toMs)}ms`)
    .replaceAll('$interval', intervalText)
    .replaceAll('$__interval_ms', String(intervalMs))
    .replaceAll('$__interval', intervalText);
}
