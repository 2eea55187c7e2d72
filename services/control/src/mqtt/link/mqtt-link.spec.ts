import type {
  MqttConnection,
  MqttConnectOptions,
  MqttConnector,
  PublishOptions,
} from './mqtt-connection';
import { MqttLink } from './mqtt-link';
import { ReconnectBackoff } from './reconnect-backoff';

/** A session the test ends by hand. */
class ScriptedConnection implements MqttConnection {
  readonly protocolVersion = 5 as const;
  readonly sessionPresent = false;
  closedGracefully: boolean | null = null;
  private closeListener: ((reason: string) => void) | null = null;
  publish(_t: string, _p: string | Buffer, _o: PublishOptions) {
    return Promise.resolve();
  }
  subscribe() {
    return Promise.resolve();
  }
  onMessage() {}
  onClose(listener: (reason: string) => void) {
    this.closeListener = listener;
  }
  close(graceful: boolean) {
    this.closedGracefully = graceful;
    return Promise.resolve();
  }
  drop(reason: string) {
    this.closeListener?.(reason);
  }
}

/** Answers each attempt from a script: a connection, or an error. */
class ScriptedConnector implements MqttConnector {
  attempts = 0;
  constructor(private readonly script: (attempt: number) => MqttConnection | Error) {}
  connect(_options: MqttConnectOptions): Promise<MqttConnection> {
    this.attempts += 1;
    const next = this.script(this.attempts);
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  }
}

const options = () => ({}) as MqttConnectOptions;

describe('MqttLink', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('retries failed attempts after the backoff delay and reports each failure', async () => {
    const connection = new ScriptedConnection();
    const connector = new ScriptedConnector((n) =>
      n < 3 ? new Error(`refused ${n}`) : connection,
    );
    const events: string[] = [];
    const sut = new MqttLink(
      connector,
      options,
      new ReconnectBackoff({ initialMs: 1000, maxMs: 8000, random: () => 1 - 1e-9 }),
      { up: () => events.push('up'), down: (reason, ms) => events.push(`${reason} +${ms}`) },
    );
    sut.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(events).toEqual(['refused 1 +1000']);
    await jest.advanceTimersByTimeAsync(999);
    expect(connector.attempts).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(events).toEqual(['refused 1 +1000', 'refused 2 +2000']);
    await jest.advanceTimersByTimeAsync(2000);
    expect(events.at(-1)).toBe('up');
    expect(sut.connection).toBe(connection);
    await sut.stop();
  });

  it('does not reset the backoff for a session that drops at once (no tight reconnect loop)', async () => {
    const sessions: ScriptedConnection[] = [];
    const connector = new ScriptedConnector(() => {
      sessions.push(new ScriptedConnection());
      return sessions.at(-1)!;
    });
    const delays: number[] = [];
    const sut = new MqttLink(
      connector,
      options,
      new ReconnectBackoff({ initialMs: 1000, maxMs: 60_000, random: () => 1 - 1e-9 }),
      { up: () => undefined, down: (_r, ms) => delays.push(ms) },
    );
    sut.start();
    for (let i = 0; i < 3; i += 1) {
      await jest.advanceTimersByTimeAsync(0);
      sessions.at(-1)!.drop('kicked: duplicate client id');
      await jest.advanceTimersByTimeAsync(delays.at(-1)!);
    }
    expect(delays).toEqual([1000, 2000, 4000]);
    // A session that lasted is a recovery: the next loss starts from the shortest delay.
    await jest.advanceTimersByTimeAsync(0);
    await jest.advanceTimersByTimeAsync(15_000);
    sessions.at(-1)!.drop('broker restart');
    expect(delays.at(-1)).toBe(1000);
    await sut.stop();
  });

  it('makes no attempt after stop, and closes a session that opens after it', async () => {
    let resolve!: (c: MqttConnection) => void;
    const late = new ScriptedConnection();
    const connector: MqttConnector = {
      connect: () => new Promise<MqttConnection>((r) => (resolve = r)),
    };
    const sut = new MqttLink(connector, options, new ReconnectBackoff(), {
      up: () => {
        throw new Error('must not be reported up after stop');
      },
      down: () => undefined,
    });
    sut.start();
    await jest.advanceTimersByTimeAsync(0); // the attempt is under way
    const stopping = sut.stop();
    resolve(late);
    await jest.advanceTimersByTimeAsync(0);
    expect(await stopping).toBeNull();
    expect(late.closedGracefully).toBe(false);
  });

  it('turns a connector or option builder that throws into a failed attempt, never a crash', async () => {
    const reasons: string[] = [];
    const throwing: MqttConnector = {
      connect: () => {
        throw new Error('unsupported protocol');
      },
    };
    const sut = new MqttLink(throwing, options, new ReconnectBackoff(), {
      up: () => undefined,
      down: (reason) => reasons.push(reason),
    });
    sut.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(reasons).toEqual(['unsupported protocol']);
    await sut.stop();
    const unreadable = new MqttLink(
      new ScriptedConnector(() => new ScriptedConnection()),
      () => {
        throw new Error('ENOENT: ca.pem');
      },
      new ReconnectBackoff(),
      { up: () => undefined, down: (reason) => reasons.push(reason) },
    );
    unreadable.start();
    expect(reasons.at(-1)).toBe('ENOENT: ca.pem');
    await unreadable.stop();
  });
});
