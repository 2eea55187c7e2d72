import type { MqttConnection, MqttConnectOptions, MqttConnector } from './mqtt-connection';
import type { ReconnectBackoff } from './reconnect-backoff';

/** What the link reports to its owner. */
export interface MqttLinkEvents {
  /** A session is up (called before anything else can use it). */
  up(connection: MqttConnection): void;
  /** No session: a failed attempt or a lost session, and when the next attempt starts. */
  down(reason: string, retryInMs: number): void;
}

/** A session must last this long for the backoff to start again from its shortest delay. */
const STABLE_SESSION_MS = 10_000;
/** How long `stop` waits for an attempt in progress before leaving it to fail on its own. */
const STOP_WAIT_MS = 2_000;

/**
 * Keeps one MQTT session open: connects, and after every failure or loss waits a capped,
 * jittered exponential backoff before a fresh attempt. A session that is accepted and then
 * dropped at once (a duplicate client id, a broker in trouble) does not reset the backoff,
 * so a flapping link never turns into a tight reconnect loop.
 */
export class MqttLink {
  private current: MqttConnection | null = null;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private attempt: Promise<void> | null = null;
  private setupFailure: string | null = null;

  constructor(
    private readonly connector: MqttConnector,
    private readonly options: () => MqttConnectOptions,
    private readonly backoff: ReconnectBackoff,
    private readonly events: MqttLinkEvents,
  ) {}

  /** The session, or null while disconnected. */
  get connection(): MqttConnection | null {
    return this.current;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** No more attempts; returns the open session (if any) for the owner to close. */
  async stop(): Promise<MqttConnection | null> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.attempt) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS)));
      await Promise.race([this.attempt, timeout]);
      clearTimeout(timer);
    }
    return this.current;
  }

  private connect(): void {
    if (this.stopped) return;
    let options: MqttConnectOptions;
    try {
      options = this.options();
    } catch (error) {
      // Options that cannot be built (e.g. a TLS file that cannot be read) are retried too:
      // the file may appear (a mounted secret), and the reason is reported meanwhile.
      this.retry(describe(error));
      return;
    }
    // `Promise.resolve().then` turns a connector that throws into a failed attempt.
    this.attempt = Promise.resolve()
      .then(() => this.connector.connect(options))
      .then(
        (connection) => this.opened(connection),
        (error: unknown) => this.retry(describe(error)),
      );
  }

  private opened(connection: MqttConnection): void {
    this.attempt = null;
    if (this.stopped) {
      void connection.close(false, 1000);
      return;
    }
    const openedAt = Date.now();
    this.current = connection;
    connection.onClose((reason) => {
      if (this.current === connection) this.current = null;
      if (Date.now() - openedAt >= STABLE_SESSION_MS) this.backoff.reset();
      const failure = this.setupFailure;
      this.setupFailure = null;
      this.retry(failure ?? reason);
    });
    try {
      this.events.up(connection);
    } catch (error) {
      // A failure in the owner's setup must neither leave a half-used session nor escape as
      // an unhandled rejection (fatal for the process): end the session and try again.
      this.setupFailure = `session setup failed: ${describe(error)}`;
      void connection.close(false, 1000);
    }
  }

  private retry(reason: string): void {
    this.attempt = null;
    if (this.stopped) return;
    const delay = this.backoff.nextDelayMs();
    this.events.down(reason, delay);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
