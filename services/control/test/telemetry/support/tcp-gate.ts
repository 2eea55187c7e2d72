import { createConnection, createServer, Server, Socket } from 'node:net';
import { freePort } from '../../support/servers/local-server';

/**
 * A loopback TCP forwarder that can be closed and reopened: an outage of a server the test
 * cannot stop itself (a container, an external URL). Closed, it refuses connections and cuts
 * the open ones — what a client sees when the server is down.
 */
export class TcpGate {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  private constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  static async open(target: { host: string; port: number }): Promise<TcpGate> {
    const gate = new TcpGate(await freePort(), target);
    await gate.reopen();
    return gate;
  }

  async reopen(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => {
      const upstream = createConnection(this.target);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
