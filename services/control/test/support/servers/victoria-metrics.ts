import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, LocalServer } from './local-server';

/** One series as `/api/v1/export` returns it. */
export interface ExportedSeries {
  readonly metric: Record<string, string>;
  readonly values: readonly number[];
  readonly timestamps: readonly number[];
}

/**
 * Debian's `victoria-metrics` on a free loopback port, with its data in a temp directory that
 * survives `stop()`/`start()` (an outage). It accepts InfluxDB line protocol on
 * `/api/v2/write` (the path the InfluxDB client uses); metric names are
 * `<measurement>_<field>`, string fields are not stored, booleans become 0/1.
 */
export class VictoriaMetricsServer {
  private constructor(
    private readonly server: LocalServer,
    readonly url: string,
    private readonly dataDir: string,
  ) {}

  static async start(): Promise<VictoriaMetricsServer> {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'cryopilot-vm-'));
    const url = `http://127.0.0.1:${port}`;
    const server = new LocalServer({
      command: 'victoria-metrics',
      aptPackage: 'victoria-metrics',
      args: [
        `-httpListenAddr=127.0.0.1:${port}`,
        `-storageDataPath=${dataDir}`,
        // Old timestamps (a replay after an outage) and fresh data must both be accepted
        // and readable at once.
        '-retentionPeriod=100y',
        '-search.latencyOffset=0s',
        '-loggerLevel=ERROR',
      ],
      isReady: async () => (await fetch(`${url}/health`)).ok,
    });
    await server.start();
    return new VictoriaMetricsServer(server, url, dataDir);
  }

  /** Stops the server (an outage); data stays on disk for `start()`. */
  stop(): Promise<void> {
    return this.server.stop();
  }

  start(): Promise<void> {
    return this.server.start();
  }

  get log(): string {
    return this.server.log;
  }

  /** Raw samples of every series matching `selector` (e.g. `channel_seq{channel="o2_1"}`). */
  async export(selector: string): Promise<ExportedSeries[]> {
    const res = await fetch(`${this.url}/api/v1/export?match[]=${encodeURIComponent(selector)}`);
    if (!res.ok) throw new Error(`export ${selector}: HTTP ${res.status} ${await res.text()}`);
    const text = await res.text();
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as ExportedSeries);
  }

  /** Makes freshly ingested samples visible to `export` at once. */
  async flush(): Promise<void> {
    await fetch(`${this.url}/internal/force_flush`);
  }

  async close(): Promise<void> {
    await this.server.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
