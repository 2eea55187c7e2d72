import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { StopOutcome } from './graceful-stop';

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface LocalServerOptions {
  /** Executable name or path (e.g. `mosquitto`). */
  command: string;
  args: string[];
  /** Debian package that provides `command`, named in the error when it is missing. */
  aptPackage: string;
  /** Resolves once the server answers (polled). */
  isReady: () => Promise<boolean>;
  readyTimeoutMs?: number;
  /** How long `stop()` waits after its signal before SIGKILL (default 3 s). */
  stopGraceMs?: number;
  cwd?: string;
}

/**
 * A real server binary started for the duration of a test run, with stop/start to simulate
 * outages. A missing binary fails loudly, naming the package to install — never a silent skip.
 */
export class LocalServer {
  private child: ChildProcess | null = null;
  private output = '';

  constructor(private readonly options: LocalServerOptions) {}

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null;
  }

  get stopGraceMs(): number {
    return this.options.stopGraceMs ?? 3000;
  }

  /** What the server printed (for failure messages). */
  get log(): string {
    return this.output;
  }

  async start(): Promise<void> {
    if (this.running) return;
    const child = spawn(this.options.command, this.options.args, {
      cwd: this.options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.on('data', (d: Buffer) => this.append(d));
    child.stderr?.on('data', (d: Buffer) => this.append(d));
    const failed = new Promise<never>((_, reject) => {
      child.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'ENOENT'
            ? new Error(
                `${this.options.command} not found: apt-get install ${this.options.aptPackage}`,
              )
            : error,
        ),
      );
      child.once('exit', (code) =>
        reject(new Error(`${this.options.command} exited with ${code}:\n${this.output}`)),
      );
    });
    await Promise.race([this.waitReady(), failed]);
    child.removeAllListeners('exit');
  }

  /**
   * Stops the server: `signal`, then SIGKILL when `stopGraceMs` ran out. Says which of the
   * two ended it (a killed server may lose what it acknowledged).
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<StopOutcome> {
    const child = this.child;
    if (!child || child.exitCode !== null) return 'exited';
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, this.stopGraceMs);
    await exited;
    clearTimeout(timer);
    this.child = null;
    return killed ? 'killed' : 'exited';
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + (this.options.readyTimeoutMs ?? 15_000);
    while (Date.now() < deadline) {
      if (await this.options.isReady().catch(() => false)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${this.options.command} did not become ready:\n${this.output}`);
  }

  private append(data: Buffer): void {
    this.output = (this.output + data.toString()).slice(-20_000);
  }
}
