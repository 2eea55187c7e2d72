import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerServer } from './container-server';
import { reportServer, serverMode, testImage } from './engine';
import { stopGracefully } from './graceful-stop';
import { freePort, LocalServer } from './local-server';

/**
 * VictoriaMetrics gives its HTTP server up to 7 s to finish open requests before it flushes
 * its buffers and exits (`-http.maxGracefulShutdownDuration`, lib/httpserver/httpserver.go in
 * VictoriaMetrics/VictoriaMetrics: "a highly loaded server may require increased value"); the
 * engine's default 5 s could kill it half-way on a loaded CI machine.
 */
const STOP_GRACE_MS = 20_000;

/** One series as `/api/v1/export` returns it. */
export interface ExportedSeries {
  readonly metric: Record<string, string>;
  readonly values: readonly number[];
  readonly timestamps: readonly number[];
}

/**
 * VictoriaMetrics on a free loopback port: a container of `VICTORIA_METRICS_TEST_IMAGE` (the
 * upstream image by default; .ci/run: the local Debian stand-in) when a container engine
 * answers, else Debian's `victoria-metrics` binary. Its data survives `stop()`/`start()` (an
 * outage): in the container's file system, or in a temp directory. It accepts InfluxDB line
 * protocol on `/api/v2/write` (the path the InfluxDB client uses); metric names are
 * `<measurement>_<field>`, string fields are not stored, booleans become 0/1.
 */
export class VictoriaMetricsServer {
  private constructor(
    private readonly server: LocalServer | ContainerServer,
    readonly url: string,
    /** `container:<image>` or `binary:victoria-metrics`. */
    readonly kind: string,
    private readonly dataDir: string | null,
  ) {}

  static async start(): Promise<VictoriaMetricsServer> {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const isReady = async () => (await fetch(`${url}/health`)).ok;
    const flags = (dataDir: string) => [
      `-httpListenAddr=127.0.0.1:${port}`,
      `-storageDataPath=${dataDir}`,
      // Old timestamps (a replay after an outage) and fresh data must both be accepted
      // and readable at once.
      '-retentionPeriod=100y',
      '-search.latencyOffset=0s',
      // As InfluxDB, which the service's at-least-once delivery relies on: a point written
      // twice (same series and timestamp, a batch re-sent after a lost response) is one point.
      // VictoriaMetrics keeps both unless deduplication is on (checked by hand on 1.79:
      // `/api/v1/export` returned the sample twice without this flag, once with it).
      '-dedup.minScrapeInterval=1ms',
      '-loggerLevel=ERROR',
    ];
    let vm: VictoriaMetricsServer;
    if ((await serverMode('victoria-metrics')) === 'container') {
      const server = new ContainerServer({
        what: 'victoria-metrics',
        image: victoriaMetricsImage(),
        command: flags('/victoria-metrics-data'),
        isReady,
        stopGraceMs: STOP_GRACE_MS,
      });
      await server.start();
      vm = new VictoriaMetricsServer(server, url, server.kind, null);
    } else {
      const dataDir = mkdtempSync(join(tmpdir(), 'cryopilot-vm-'));
      const server = new LocalServer({
        command: 'victoria-metrics',
        aptPackage: 'victoria-metrics',
        args: flags(dataDir),
        isReady,
        stopGraceMs: STOP_GRACE_MS,
      });
      await server.start();
      vm = new VictoriaMetricsServer(server, url, 'binary:victoria-metrics', dataDir);
    }
    reportServer('victoria-metrics', vm.kind);
    return vm;
  }

  /** Stops the server (an outage), failing if it had to be killed; data stays for `start()`. */
  stop(): Promise<void> {
    return stopGracefully('victoria-metrics', this.server);
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
    if (this.server instanceof ContainerServer) await this.server.close();
    else await this.server.stop();
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** `VICTORIA_METRICS_TEST_IMAGE`, else the upstream image of the version Debian 12 ships. */
export const victoriaMetricsImage = (): string =>
  testImage('VICTORIA_METRICS_TEST_IMAGE', undefined, 'victoriametrics/victoria-metrics:v1.79.5');
