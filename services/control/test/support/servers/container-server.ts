import type { Readable } from 'node:stream';
import type { StartedTestContainer } from 'testcontainers';
import { testLabels } from './engine';
import type { StopOutcome } from './graceful-stop';

export interface ContainerServerOptions {
  /** What runs (for messages), e.g. `mosquitto`. */
  readonly what: string;
  readonly image: string;
  readonly command?: string[];
  readonly entrypoint?: string[];
  readonly environment?: Record<string, string>;
  readonly user?: string;
  /** Files copied into the container before it starts. */
  readonly files?: { content: string; target: string; mode?: number }[];
  /** Resolves once the server answers (polled). */
  readonly isReady: () => Promise<boolean>;
  readonly readyTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before the engine kills the server (default 5 s). */
  readonly stopGraceMs?: number;
}

/**
 * A real server in a Testcontainers container on the host's network (no bridge network, ever:
 * the server binds a loopback port the test chose and passed in its own config). `stop()` and
 * `start()` stop and start the same container — an outage; its files, data and port are kept.
 */
export class ContainerServer {
  private container: StartedTestContainer | null = null;
  private running = false;
  private output = '';

  constructor(private readonly options: ContainerServerOptions) {}

  /** `container:<image>`, as the tests report it. */
  get kind(): string {
    return `container:${this.options.image}`;
  }

  get stopGraceMs(): number {
    return this.options.stopGraceMs ?? 5000;
  }

  /** What the server printed (for failure messages). */
  get log(): string {
    return this.output;
  }

  get id(): string {
    if (!this.container) throw new Error(`${this.options.what}: not started`);
    return this.container.getId();
  }

  async start(): Promise<void> {
    if (this.running) return;
    const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
    if (!this.container) {
      let builder = new GenericContainer(this.options.image)
        .withNetworkMode('host')
        .withLabels(testLabels())
        .withEnvironment(this.options.environment ?? {})
        .withCopyContentToContainer(this.options.files ?? [])
        // Readiness is polled below, on the port the server was told to bind.
        .withWaitStrategy(Wait.forListeningPorts());
      if (this.options.command) builder = builder.withCommand(this.options.command);
      if (this.options.entrypoint) builder = builder.withEntrypoint(this.options.entrypoint);
      if (this.options.user) builder = builder.withUser(this.options.user);
      try {
        this.container = await builder.start();
      } catch (error) {
        throw new Error(
          `${this.options.what}: cannot start ${this.options.image} (build the local images ` +
            `with scripts/containers/build-images.sh, or pull it): ${String(error)}`,
        );
      }
    } else {
      const client = (await getContainerRuntimeClient()).container;
      await client.start(client.getById(this.container.getId()));
    }
    this.running = true;
    await this.follow();
    await this.waitReady();
  }

  /**
   * Stops the container: SIGTERM, SIGKILL when `stopGraceMs` ran out; `start()` brings it
   * back. Says which of the two ended it (a killed server may lose what it acknowledged).
   */
  async stop(): Promise<StopOutcome> {
    if (!this.container || !this.running) return 'exited';
    const { getContainerRuntimeClient } = await import('testcontainers');
    const client = (await getContainerRuntimeClient()).container;
    const handle = client.getById(this.container.getId());
    // Testcontainers takes milliseconds (and rounds to seconds for the engine).
    await client.stop(handle, { timeout: this.stopGraceMs });
    this.running = false;
    const { State } = await client.inspect(handle);
    // 137 = 128 + SIGKILL: the engine's kill at the end of the grace (or the OOM killer).
    return State.ExitCode === 137 || State.OOMKilled ? 'killed' : 'exited';
  }

  /** Sends a signal to the server (e.g. SIGHUP: reload). */
  async kill(signal: string): Promise<void> {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const client = (await getContainerRuntimeClient()).container;
    const handle = client.getById(this.id);
    await handle.kill({ signal });
  }

  /** Runs a command in the running container. */
  async exec(command: string[]): Promise<{ exitCode: number; output: string }> {
    if (!this.container) throw new Error(`${this.options.what}: not started`);
    const result = await this.container.exec(command);
    return { exitCode: result.exitCode, output: result.output };
  }

  /** Removes the container and its anonymous volumes. */
  async close(): Promise<void> {
    const container = this.container;
    this.container = null;
    this.running = false;
    await container?.stop({ timeout: 2000, remove: true, removeVolumes: true });
  }

  private async follow(): Promise<void> {
    if (!this.container) return;
    const stream: Readable = await this.container.logs({ since: Math.floor(Date.now() / 1000) });
    stream.on('data', (d: Buffer | string) => {
      this.output = (this.output + d.toString()).slice(-20_000);
    });
    stream.on('error', () => undefined);
  }

  private async waitReady(): Promise<void> {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const client = (await getContainerRuntimeClient()).container;
    const deadline = Date.now() + (this.options.readyTimeoutMs ?? 30_000);
    while (Date.now() < deadline) {
      if (await this.options.isReady().catch(() => false)) return;
      const state = await client.inspect(client.getById(this.id));
      if (!state.State.Running) {
        throw new Error(
          `${this.options.what} (${this.options.image}) exited with ${state.State.ExitCode}:\n${this.output}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(
      `${this.options.what} (${this.options.image}) did not become ready:\n${this.output}`,
    );
  }
}
