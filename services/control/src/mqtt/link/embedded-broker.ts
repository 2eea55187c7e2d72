import { createBroker } from 'aedes';
import { createServer, Server, Socket } from 'node:net';
import type { EmbeddedBrokerAccess } from './embedded-broker-access';

/** CONNACK return codes of MQTT 3.1.1 (aedes' AuthErrorCode, a const enum we cannot import). */
const IDENTIFIER_REJECTED = 2;
const BAD_USERNAME_OR_PASSWORD = 4;

/**
 * The embedded default: an aedes broker (MQTT 3.1.1, in memory) on `embeddedHost:port`, so
 * that `make run` needs nothing else. Started only when no broker URL is configured. Every
 * client authenticates and is held to `access` (the shipped Mosquitto ACL's rules): a local
 * process without the service's credentials can neither command the valve nor forge its state.
 */
export class EmbeddedBroker {
  private broker: ReturnType<typeof createBroker> | null = null;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly access: EmbeddedBrokerAccess,
    private readonly onError: (message: string) => void,
  ) {}

  /** A broker listening on `host:port`; the error says which address could not be bound. */
  static async start(
    host: string,
    port: number,
    access: EmbeddedBrokerAccess,
    onError: (message: string) => void,
  ): Promise<EmbeddedBroker> {
    const broker = new EmbeddedBroker(access, onError);
    try {
      await broker.listen(host, port);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`embedded broker could not listen on ${host}:${port}: ${reason}`);
    }
    return broker;
  }

  /** Starts listening; rejects (with everything released) when the port cannot be bound. */
  async listen(host: string, port: number): Promise<void> {
    const access = this.access;
    const broker = createBroker({
      authenticate: (client, username, password, done) => {
        const verdict = access.connect(client.id, username, password);
        if (verdict === 'ok') {
          USERNAMES.set(client, username!);
          return done(null, true);
        }
        const returnCode =
          verdict === 'client-id-reserved' ? IDENTIFIER_REJECTED : BAD_USERNAME_OR_PASSWORD;
        this.onError(`embedded broker: refused client ${client.id}: ${verdict}`);
        done(Object.assign(new Error(verdict), { returnCode }), false);
      },
      authorizePublish: (client, packet, done) => {
        // client is null for the broker's own messages ($SYS): allowed here, and who may
        // receive them is decided by authorizeForward (only the service's topics reach clients).
        const username = client ? usernameOf(client) : undefined;
        if (client && !access.mayPublish(username, packet.topic, packet.retain)) {
          return done(new Error(`publish to ${packet.topic} not allowed`));
        }
        done(null);
      },
      authorizeSubscribe: (client, subscription, done) => {
        const allowed = access.maySubscribe(usernameOf(client), subscription.topic);
        // A refused filter is answered with the failure code (0x80), the session stays.
        done(null, allowed ? subscription : null);
      },
      authorizeForward: (client, packet) =>
        access.mayReceive(usernameOf(client), packet.topic) ? packet : null,
    });
    // Per-client protocol and socket errors are the clients' problem; they never stop the
    // broker. Listening for them keeps an EventEmitter from throwing.
    broker.on('clientError', (client, error) => {
      this.onError(`embedded broker: client ${client?.id ?? '?'}: ${error.message}`);
    });
    broker.on('connectionError', (_client, error) => {
      this.onError(`embedded broker: connection error: ${error.message}`);
    });
    const server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      broker.handle(socket);
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.removeListener('error', reject);
          resolve();
        });
      });
    } catch (error) {
      // Port taken or not allowed: release aedes' timers and report to the caller.
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      throw error;
    }
    server.on('error', (error) => this.onError(`embedded broker: ${error.message}`));
    this.broker = broker;
    this.server = server;
  }

  /** The bound port (useful when listening on port 0). */
  get port(): number | null {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address.port : null;
  }

  /** Disconnects every client and stops listening. */
  async close(): Promise<void> {
    const { broker, server } = this;
    this.broker = null;
    this.server = null;
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The account each connected client authenticated as (aedes does not keep it). */
const USERNAMES = new WeakMap<object, string>();

function usernameOf(client: object): string | undefined {
  return USERNAMES.get(client);
}
