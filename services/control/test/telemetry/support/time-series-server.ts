import { InfluxDB } from '@influxdata/influxdb-client';
import { existsSync } from 'node:fs';
import { VictoriaMetricsServer } from '../../support/servers/victoria-metrics';
import { TcpGate } from './tcp-gate';

/** One stored point of an integer or float field. */
export interface StoredPoint {
  readonly ts: number;
  readonly value: number;
}

/**
 * The real time-series server telemetry tests write to, chosen in this order (the
 * README's test servers): `INFLUX_TEST_URL` (+ `INFLUX_TEST_TOKEN`, org and bucket `cryopilot`) → an
 * InfluxDB 2.9 container through Testcontainers when a Docker engine answers → Debian's
 * `victoria-metrics` binary. `stop()`/`start()` make an outage.
 */
export interface TimeSeriesServer {
  readonly kind: 'influxdb2' | 'victoria-metrics';
  /** What the service's `telemetry` config section needs. */
  readonly telemetry: { url: string; token: string; org: string; bucket: string };
  /** Points of `<measurement>.<field>` for one device (and channel), oldest first. */
  points(measurement: string, field: string, tags: Record<string, string>): Promise<StoredPoint[]>;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

const ORG = 'cryopilot';
const BUCKET = 'cryopilot';

export async function startTimeSeriesServer(): Promise<TimeSeriesServer> {
  const url = process.env.INFLUX_TEST_URL;
  if (url) return influx2Behind(url, process.env.INFLUX_TEST_TOKEN ?? '', async () => {});
  if (await dockerReachable()) return startInflux2Container();
  return startVictoriaMetrics();
}

async function dockerReachable(): Promise<boolean> {
  if (!process.env.DOCKER_HOST && !existsSync('/var/run/docker.sock')) return false;
  const { getContainerRuntimeClient } = await import('testcontainers');
  try {
    await getContainerRuntimeClient();
    return true;
  } catch {
    // No engine behind the socket: fall back to the local binary.
    return false;
  }
}

async function startInflux2Container(): Promise<TimeSeriesServer> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const token = 'telemetry-test-token';
  const container = await new GenericContainer('influxdb:2.9.1')
    .withEnvironment({
      DOCKER_INFLUXDB_INIT_MODE: 'setup',
      DOCKER_INFLUXDB_INIT_USERNAME: 'admin',
      DOCKER_INFLUXDB_INIT_PASSWORD: 'telemetry-test-password',
      DOCKER_INFLUXDB_INIT_ORG: ORG,
      DOCKER_INFLUXDB_INIT_BUCKET: BUCKET,
      DOCKER_INFLUXDB_INIT_ADMIN_TOKEN: token,
    })
    .withExposedPorts(8086)
    .withWaitStrategy(Wait.forHttp('/health', 8086))
    .start();
  const direct = `http://${container.getHost()}:${container.getMappedPort(8086)}`;
  return influx2Behind(direct, token, async () => {
    await container.stop();
  });
}

/** InfluxDB 2 behind a TCP gate, so that an outage can be made without owning the server. */
async function influx2Behind(
  url: string,
  token: string,
  shutdown: () => Promise<void>,
): Promise<TimeSeriesServer> {
  const target = new URL(url);
  const gate = await TcpGate.open({
    host: target.hostname,
    port: Number(target.port || 8086),
  });
  const query = new InfluxDB({ url, token }).getQueryApi(ORG);
  return {
    kind: 'influxdb2',
    telemetry: { url: `http://127.0.0.1:${gate.port}`, token, org: ORG, bucket: BUCKET },
    async points(measurement, field, tags) {
      const filters = Object.entries({ _measurement: measurement, _field: field, ...tags })
        .map(([k, v]) => `r[${JSON.stringify(k)}] == ${JSON.stringify(v)}`)
        .join(' and ');
      const rows = await query.collectRows<{ _time: string; _value: number }>(
        `from(bucket: "${BUCKET}") |> range(start: 0) |> filter(fn: (r) => ${filters})`,
      );
      return rows
        .map((r) => ({ ts: Date.parse(r._time), value: Number(r._value) }))
        .sort((a, b) => a.ts - b.ts);
    },
    stop: () => gate.close(),
    start: () => gate.reopen(),
    async close() {
      await gate.close();
      await shutdown();
    },
  };
}

async function startVictoriaMetrics(): Promise<TimeSeriesServer> {
  const vm = await VictoriaMetricsServer.start();
  return {
    kind: 'victoria-metrics',
    telemetry: { url: vm.url, token: 'unused-by-victoria-metrics', org: ORG, bucket: BUCKET },
    async points(measurement, field, tags) {
      await vm.flush();
      const labels = Object.entries(tags)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',');
      const series = await vm.export(`${measurement}_${field}{${labels}}`);
      return series
        .flatMap((s) => s.timestamps.map((ts, i) => ({ ts, value: s.values[i] })))
        .sort((a, b) => a.ts - b.ts);
    },
    stop: () => vm.stop(),
    start: () => vm.start(),
    close: () => vm.close(),
  };
}
