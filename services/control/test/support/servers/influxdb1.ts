import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerServer } from './container-server';
import { reportServer, serverMode, testImage } from './engine';
import { freePort, LocalServer } from './local-server';

/** One series of an InfluxQL result. */
export interface InfluxSeries {
  readonly name: string;
  readonly tags?: Record<string, string>;
  readonly columns: readonly string[];
  readonly values: readonly unknown[][];
}

/** The result of one InfluxQL statement. */
export interface InfluxStatementResult {
  readonly series?: readonly InfluxSeries[];
  readonly error?: string;
}

/**
 * InfluxDB 1.x (v1 API only: `/write`, `/query`) on free loopback ports: a container of
 * `INFLUXDB1_TEST_IMAGE` (the upstream `influxdb:1.11` by default; .ci/run: the local stand-in
 * with Debian's 1.6) when a container engine answers, else Debian's `influxd` with a throwaway
 * config and data directory. The InfluxQL of Grafana dashboards and alert rules runs against
 * it for real.
 */
export class InfluxDb1Server {
  private constructor(
    private readonly server: LocalServer | ContainerServer,
    readonly url: string,
    /** `container:<image>` or `binary:influxd`. */
    readonly kind: string,
    private readonly dir: string | null,
  ) {}

  static async start(): Promise<InfluxDb1Server> {
    const [httpPort, rpcPort] = [await freePort(), await freePort()];
    const url = `http://127.0.0.1:${httpPort}`;
    const isReady = async () => (await fetch(`${url}/ping`)).status === 204;
    let influx: InfluxDb1Server;
    if ((await serverMode('influxdb 1.x')) === 'container') {
      // The official image (and the stand-in) read every setting from INFLUXDB_* variables.
      const server = new ContainerServer({
        what: 'influxdb 1.x',
        image: influxDb1Image(),
        environment: {
          INFLUXDB_REPORTING_DISABLED: 'true',
          INFLUXDB_BIND_ADDRESS: `127.0.0.1:${rpcPort}`,
          INFLUXDB_HTTP_BIND_ADDRESS: `127.0.0.1:${httpPort}`,
          INFLUXDB_HTTP_LOG_ENABLED: 'false',
          INFLUXDB_DATA_QUERY_LOG_ENABLED: 'false',
          INFLUXDB_MONITOR_STORE_ENABLED: 'false',
          INFLUXDB_CONTINUOUS_QUERIES_ENABLED: 'false',
        },
        isReady,
      });
      await server.start();
      influx = new InfluxDb1Server(server, url, server.kind, null);
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'cryopilot-influxd-'));
      const config = join(dir, 'influxdb.conf');
      writeFileSync(
        config,
        [
          'reporting-disabled = true',
          `bind-address = "127.0.0.1:${rpcPort}"`,
          '[meta]',
          `  dir = "${dir}/meta"`,
          '[data]',
          `  dir = "${dir}/data"`,
          `  wal-dir = "${dir}/wal"`,
          '  query-log-enabled = false',
          '[http]',
          `  bind-address = "127.0.0.1:${httpPort}"`,
          '  log-enabled = false',
          '[monitor]',
          '  store-enabled = false',
          '[continuous_queries]',
          '  enabled = false',
          '',
        ].join('\n'),
      );
      const server = new LocalServer({
        command: 'influxd',
        aptPackage: 'influxdb',
        args: ['-config', config],
        isReady,
      });
      await server.start();
      influx = new InfluxDb1Server(server, url, 'binary:influxd', dir);
    }
    reportServer('influxdb 1.x', influx.kind);
    return influx;
  }

  /** Runs InfluxQL (`POST /query`); one result per statement. */
  async query(q: string, db?: string): Promise<InfluxStatementResult[]> {
    const body = new URLSearchParams({ q, epoch: 'ms', ...(db ? { db } : {}) });
    const res = await fetch(`${this.url}/query`, { method: 'POST', body });
    const json = (await res.json()) as { results?: InfluxStatementResult[]; error?: string };
    if (json.error) return [{ error: json.error }];
    return json.results ?? [];
  }

  /** Writes line protocol with millisecond timestamps (`/write?precision=ms`). */
  async write(db: string, lines: readonly string[], rp?: string): Promise<void> {
    const params = new URLSearchParams({ db, precision: 'ms', ...(rp ? { rp } : {}) });
    const res = await fetch(`${this.url}/write?${params.toString()}`, {
      method: 'POST',
      body: lines.join('\n'),
    });
    if (res.status !== 204) throw new Error(`write: HTTP ${res.status} ${await res.text()}`);
  }

  async close(): Promise<void> {
    if (this.server instanceof ContainerServer) await this.server.close();
    else await this.server.stop();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `INFLUXDB1_TEST_IMAGE`, else the upstream 1.x image (the newest 1.x line). */
export const influxDb1Image = (): string =>
  testImage('INFLUXDB1_TEST_IMAGE', undefined, 'influxdb:1.11.8');
