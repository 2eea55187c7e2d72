import { createServer, Server, Socket, connect } from 'node:net';

/**
 * A TCP relay between the service and the broker that can simulate network loss: `cut()`
 * drops every connection at once (like a Wi-Fi link going away with a reset) and refuses new
 * ones until `heal()`; `blackhole()` keeps connections open but silently stops forwarding
 * (a link that hangs without any reset — only keepalive can detect it).
 */
export class TcpProxy {
  private readonly server: Server;
  private readonly pairs = new Set<[Socket, Socket]>();
  private mode: 'forward' | 'cut' | 'blackhole' = 'forward';

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {
    this.server = createServer((client) => this.accept(client));
  }

  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetHost, targetPort);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('proxy not listening');
    return `mqtt://127.0.0.1:${address.port}`;
  }

  cut(): void {
    this.mode = 'cut';
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    this.pairs.clear();
  }

  blackhole(): void {
    this.mode = 'blackhole';
  }

  heal(): void {
    // Hung connections stay hung: a real link that comes back does not revive them either.
    if (this.mode === 'blackhole') this.cut();
    this.mode = 'forward';
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.mode !== 'forward') {
      client.destroy();
      return;
    }
    const upstream = connect(this.targetPort, this.targetHost);
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    const relay = (from: Socket, to: Socket) =>
      from.on('data', (data: Buffer) => {
        if (this.mode === 'forward') to.write(data);
      });
    relay(client, upstream);
    relay(upstream, client);
    const end = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  }
}
