import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
 * Debian's `influxd` (InfluxDB 1.6, v1 API only: `/write`, `/query`) on free loopback ports
 * with a throwaway config and data directory: the InfluxQL of Grafana dashboards and alert
 * rules runs against it for real.
 */
export class InfluxDb1Server {
  private constructor(
    private readonly server: LocalServer,
    readonly url: string,
    private readonly dir: string,
  ) {}

  static async start(): Promise<InfluxDb1Server> {
    const [httpPort, rpcPort] = [await freePort(), await freePort()];
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
    const url = `http://127.0.0.1:${httpPort}`;
    const server = new LocalServer({
      command: 'influxd',
      aptPackage: 'influxdb',
      args: ['-config', config],
      isReady: async () => (await fetch(`${url}/ping`)).status === 204,
    });
    await server.start();
    return new InfluxDb1Server(server, url, dir);
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
    await this.server.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
