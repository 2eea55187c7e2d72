import { InfluxDB } from '@influxdata/influxdb-client';
import { ContainerServer } from '../../support/servers/container-server';
import { reportServer, serverMode, testImage } from '../../support/servers/engine';
import { stopGracefully } from '../../support/servers/graceful-stop';
import { freePort } from '../../support/servers/local-server';
import { VictoriaMetricsServer } from '../../support/servers/victoria-metrics';
import { TcpGate } from './tcp-gate';

/** One stored point of an integer or float field. */
export interface StoredPoint {
  readonly ts: number;
  readonly value: number;
}

/**
 * The real time-series server telemetry tests write to, chosen in this order (the
 * README's test servers): `INFLUX_TEST_URL` (+ `INFLUX_TEST_TOKEN`, org and bucket `cryopilot`) → a
 * container when a container engine answers → a local binary. `TELEMETRY_TEST_SERVER` picks
 * the flavour: `influxdb2` (the default with an engine: the image docker-compose.yml pins, or
 * `INFLUXDB2_TEST_IMAGE`) or `victoria-metrics` (accepts the same v2 write API; the only one
 * these machines can have: .ci/run sets it, and without an engine it is Debian's binary).
 * `stop()`/`start()` make an outage; the server keeps its port and its data.
 */
export interface TimeSeriesServer {
  readonly kind: 'influxdb2' | 'victoria-metrics';
  /** Where it runs: `url`, `container:<image>` or `binary:<path>`. */
  readonly server: string;
  /** What the service's `telemetry` config section needs. */
  readonly telemetry: { url: string; token: string; org: string; bucket: string };
  /** Points of `<measurement>.<field>` for one device (and channel), oldest first. */
  points(measurement: string, field: string, tags: Record<string, string>): Promise<StoredPoint[]>;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

const ORG = 'cryopilot';
/**
 * influxd closes its engine (flushes its caches) after SIGTERM; a kill would make an outage
 * test measure the server's durability instead of the service's delivery.
 */
const INFLUX2_STOP_GRACE_MS = 20_000;
const BUCKET = 'cryopilot';

export async function startTimeSeriesServer(): Promise<TimeSeriesServer> {
  const url = process.env.INFLUX_TEST_URL;
  if (url) {
    const server = await influx2Behind(url, process.env.INFLUX_TEST_TOKEN ?? '');
    reportServer('influxdb 2', 'url');
    return server;
  }
  const mode = await serverMode('time-series server');
  const flavour =
    process.env.TELEMETRY_TEST_SERVER ?? (mode === 'container' ? 'influxdb2' : 'victoria-metrics');
  if (flavour === 'victoria-metrics') return startVictoriaMetrics();
  if (flavour !== 'influxdb2') {
    throw new Error(`TELEMETRY_TEST_SERVER=${flavour}: expected influxdb2 or victoria-metrics`);
  }
  if (mode !== 'container') {
    throw new Error(
      'InfluxDB 2 runs in a container only: start a container engine (see scripts/containers/), ' +
        'set INFLUX_TEST_URL, or set TELEMETRY_TEST_SERVER=victoria-metrics ' +
        '(apt-get install victoria-metrics)',
    );
  }
  return startInflux2Container();
}

/** The InfluxDB 2 image: `INFLUXDB2_TEST_IMAGE`, else the one docker-compose.yml pins. */
export const influxDb2Image = (): string => testImage('INFLUXDB2_TEST_IMAGE', 'influxdb');

async function startInflux2Container(): Promise<TimeSeriesServer> {
  const token = 'telemetry-test-token';
  const [port, initPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${port}`;
  // The image's entrypoint (influxdata-docker, influxdb/2.x/entrypoint.sh) runs the initial
  // setup on a temporary server at INFLUXD_INIT_PORT, then the final one on
  // INFLUXD_HTTP_BIND_ADDRESS: both free ports, the host's network is shared.
  const container = new ContainerServer({
    what: 'influxdb 2',
    image: influxDb2Image(),
    environment: {
      DOCKER_INFLUXDB_INIT_MODE: 'setup',
      DOCKER_INFLUXDB_INIT_USERNAME: 'admin',
      DOCKER_INFLUXDB_INIT_PASSWORD: 'telemetry-test-password',
      DOCKER_INFLUXDB_INIT_ORG: ORG,
      DOCKER_INFLUXDB_INIT_BUCKET: BUCKET,
      DOCKER_INFLUXDB_INIT_ADMIN_TOKEN: token,
      INFLUXD_HTTP_BIND_ADDRESS: `127.0.0.1:${port}`,
      INFLUXD_INIT_PORT: String(initPort),
      INFLUXD_REPORTING_DISABLED: 'true',
    },
    isReady: async () => {
      const res = await fetch(`${url}/api/v2/buckets?name=${BUCKET}`, {
        headers: { Authorization: `Token ${token}` },
      });
      return res.ok && ((await res.json()) as { buckets: unknown[] }).buckets.length === 1;
    },
    readyTimeoutMs: 90_000,
    stopGraceMs: INFLUX2_STOP_GRACE_MS,
  });
  await container.start();
  reportServer('influxdb 2', container.kind);
  return {
    ...influx2Queries(url, token),
    server: container.kind,
    telemetry: { url, token, org: ORG, bucket: BUCKET },
    stop: () => stopGracefully('influxdb 2', container),
    start: () => container.start(),
    close: () => container.close(),
  };
}

function influx2Queries(url: string, token: string): Pick<TimeSeriesServer, 'kind' | 'points'> {
  const query = new InfluxDB({ url, token }).getQueryApi(ORG);
  return {
    kind: 'influxdb2',
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
  };
}

/** An external InfluxDB 2 behind a TCP gate: an outage without owning the server. */
async function influx2Behind(url: string, token: string): Promise<TimeSeriesServer> {
  const target = new URL(url);
  const gate = await TcpGate.open({
    host: target.hostname,
    port: Number(target.port || 8086),
  });
  return {
    ...influx2Queries(url, token),
    server: 'url',
    telemetry: { url: `http://127.0.0.1:${gate.port}`, token, org: ORG, bucket: BUCKET },
    stop: () => gate.close(),
    start: () => gate.reopen(),
    close: () => gate.close(),
  };
}

async function startVictoriaMetrics(): Promise<TimeSeriesServer> {
  const vm = await VictoriaMetricsServer.start();
  return {
    kind: 'victoria-metrics',
    server: vm.kind,
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
