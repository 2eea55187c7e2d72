import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import type { CommandResult } from '@cryopilot/protocol';
import { Clock } from '../clock/clock';
import { CommandBus } from '../commands/command-bus';
import { MQTT_CONFIG, MqttConfig } from '../config/config.slices';
import { ControlView } from '../control/control.facades';
import type { TickOutcome } from '../control/control-runtime';
import { LinkRegistry } from '../links/link-registry';
import { DiskOutbox } from '../delivery/disk-outbox';
import type { EmbeddedBroker } from './link/embedded-broker';
import { EmbeddedBrokerAccess } from './link/embedded-broker-access';
import { loadEmbeddedBrokerUsers } from './link/embedded-broker-users';
import { MqttCommandIntake, ReplyAddress } from './commands/mqtt-command-intake';
import { MqttConnector, type IncomingMessage, type MqttConnection } from './link/mqtt-connection';
import { MqttLink } from './link/mqtt-link';
import { MqttLinkReporter } from './link/mqtt-link-reporter';
import { asStreamRecord, StreamRecord, streamRecordsOf } from './publishing/mqtt-payloads';
import { connectOptionsFor, MqttSettings, resolveMqttSettings } from './link/mqtt-settings';
import {
  endSessionGracefully,
  publishCommandResult,
  streamSinkFor,
  subscribeInputs,
} from './publishing/mqtt-session-io';
import { CurrentState, MqttStatePublisher } from './publishing/mqtt-state-publisher';
import { MqttTopics } from './publishing/mqtt-topics';
import { MQTT_OVERFLOW_ALARM_ID, OutboxOverflowAlarm } from '../delivery/outbox-overflow-alarm';
import { ReconnectBackoff } from './link/reconnect-backoff';
import { StoreAndForward, StoreAndForwardStats } from '../delivery/store-and-forward';

/** Live stream messages awaiting PUBACK before new ones go to the outbox instead. */
const MAX_IN_FLIGHT = 100;
/** Commands waiting for the bus before new ones are refused at once. */
const MAX_WAITING_COMMANDS = 1000;
const CONNECT_TIMEOUT_MS = 10_000;
/** Graceful shutdown: wait this long for acknowledgements, then for `offline`, then DISCONNECT. */
const SHUTDOWN_STEP_MS = 1_000;

/** Figures for diagnostics and tests. */
export interface MqttBridgeStats {
  readonly url: string;
  readonly clientId: string;
  readonly connected: boolean;
  readonly stream: StoreAndForwardStats | null;
  readonly commands: ReturnType<MqttCommandIntake['stats']> | null;
  /** Command results that could not be published because the session was down. */
  readonly resultsUndelivered: number;
}

/**
 * The MQTT side of the service (docs/interfaces.md): retained state, telemetry and alarm
 * events out; commands in, through the command bus; Home Assistant discovery; store-and-
 * forward through an on-disk outbox; the embedded broker when no URL is configured.
 *
 * Reporting never affects control: nothing here awaits I/O on the tick path, every failure
 * is caught and reported through `LinkRegistry` and the log, and a broker that cannot be
 * reached (or an embedded broker that cannot listen) leaves the service running.
 */
@Injectable()
export class MqttBridgeService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MqttBridgeService.name);
  private readonly settings: MqttSettings;
  private readonly topics: MqttTopics;
  private readonly reporter: MqttLinkReporter;
  private broker: EmbeddedBroker | null = null;
  private outbox: DiskOutbox<StreamRecord> | null = null;
  private forward: StoreAndForward<StreamRecord> | null = null;
  private intake: MqttCommandIntake | null = null;
  private states: MqttStatePublisher | null = null;
  private link: MqttLink | null = null;
  private stopTicks: (() => void) | null = null;
  private overflow: OutboxOverflowAlarm | null = null;
  private resultsUndelivered = 0;
  private bugs = 0;

  constructor(
    @Inject(MQTT_CONFIG.token) private readonly config: MqttConfig,
    private readonly clock: Clock,
    links: LinkRegistry,
    private readonly connector: MqttConnector,
    private readonly control: ControlView,
    private readonly bus: CommandBus,
  ) {
    this.settings = resolveMqttSettings(config);
    this.topics = new MqttTopics(this.settings.baseTopic, this.settings.discoveryPrefix);
    this.reporter = new MqttLinkReporter(links, this.settings.displayUrl, this.logger);
  }

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.start();
    } catch (error) {
      // The outbox directory or the embedded broker could not be set up: MQTT stays down and
      // says why; the control loop keeps running (a reporting link never stops control).
      this.logger.error(`MQTT not started: ${describe(error)}`);
      this.reporter.notStarted(describe(error));
      await this.stop();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  stats(): MqttBridgeStats {
    return {
      url: this.settings.displayUrl,
      clientId: this.settings.clientId,
      connected: Boolean(this.link?.connection),
      stream: this.forward?.stats() ?? null,
      commands: this.intake?.stats() ?? null,
      resultsUndelivered: this.resultsUndelivered,
    };
  }

  private async start(): Promise<void> {
    let s = this.settings;
    const { control, bus } = this;
    if (s.embedded) {
      // Loaded here, not with this module: aedes and its ~70 files are needed only with the
      // embedded broker; a service with a broker URL (the Pi, the bench) never loads them.
      const { EmbeddedBroker } = await import('./link/embedded-broker');
      const users = await loadEmbeddedBrokerUsers(s.embedded.usersFile, this.logger);
      const access = new EmbeddedBrokerAccess(users, {
        serviceClientId: s.clientId,
        subtrees: [s.baseTopic, s.discoveryPrefix],
        commandPrefix: `${s.baseTopic}/cmd/`,
      });
      this.broker = await EmbeddedBroker.start(s.embedded.host, s.embedded.port, access, (m) =>
        this.logger.debug(m),
      );
      this.logger.log(
        `embedded MQTT broker (MQTT 3.1.1) on ${s.embedded.host}:${s.embedded.port}, ` +
          `accounts in ${s.embedded.usersFile}`,
      );
      s = { ...s, username: users.service.username, password: users.service.password };
    }
    const outbox = new DiskOutbox<StreamRecord>(
      { dir: s.outbox.dir, maxBytes: s.outbox.maxBytes },
      this.logger,
    );
    await outbox.open();
    const overflow = new OutboxOverflowAlarm(
      MQTT_OVERFLOW_ALARM_ID,
      'MQTT outbox',
      (id, active) => control.reportCondition(id, active),
      this.logger,
    );
    outbox.onDrop((count) => {
      overflow.dropped(count);
      this.reporter.outboxDropped(outbox.stats());
    });
    this.overflow = overflow;
    this.outbox = outbox;
    const pending = outbox.stats().pending;
    if (pending > 0) this.logger.log(`${pending} MQTT record(s) from an earlier run to deliver`);
    this.forward = new StoreAndForward(
      outbox,
      {
        maxInFlight: MAX_IN_FLIGHT,
        replayPerSecond: s.outbox.replayPerSecond,
        decode: asStreamRecord,
      },
      (message) => this.logger.error(message),
    );
    this.intake = new MqttCommandIntake(
      this.topics,
      bus,
      {
        role: s.commandRole,
        maxAgeMs: s.commandMaxAgeMs,
        maxPayloadBytes: s.maxPayloadBytes,
        maxWaiting: MAX_WAITING_COMMANDS,
      },
      (result, request) => this.sendResult(result, request),
      () => this.clock.wallMs(),
      (message) => this.logger.error(message),
    );
    this.states = new MqttStatePublisher(
      {
        topics: this.topics,
        deviceId: this.config.deviceId,
        channels: this.config.channels,
        alarms: control.alarms(),
      },
      (message) => this.logger.debug(message),
    );
    this.stopTicks = control.onTick('mqtt', (outcome) => this.onTick(outcome));
    this.link = new MqttLink(
      this.connector,
      // Built for every attempt, so that renewed TLS files are picked up.
      () => connectOptionsFor(s, this.topics.status, CONNECT_TIMEOUT_MS),
      new ReconnectBackoff(),
      {
        up: (connection) => this.onUp(connection),
        down: (reason, retryInMs) => this.onDown(reason, retryInMs),
      },
    );
    this.reporter.connecting();
    this.link.start();
  }

  private async stop(): Promise<void> {
    this.stopTicks?.();
    this.stopTicks = null;
    const connection = (await this.link?.stop()) ?? null;
    this.link = null;
    if (connection) {
      await this.forward?.drainLive(SHUTDOWN_STEP_MS);
      await endSessionGracefully(connection, this.topics, SHUTDOWN_STEP_MS, (m) =>
        this.logger.warn(m),
      );
    }
    // Whatever is still unacknowledged goes to the outbox for the next start.
    await this.forward?.stop();
    this.forward = null;
    await this.outbox?.close();
    this.outbox = null;
    await this.broker?.close();
    this.broker = null;
  }

  private onTick(outcome: TickOutcome): void {
    try {
      const forward = this.forward;
      if (!forward) return;
      for (const record of streamRecordsOf(outcome)) forward.submit(record);
      const connection = this.link?.connection;
      if (connection) this.states?.publishChanges(connection, this.currentState(), outcome.wallMs);
      if (this.outbox) {
        const stats = this.outbox.stats();
        this.overflow?.update(stats.pending === 0, stats.dropped);
      }
    } catch (error) {
      // A bug here must stay a reporting problem: thrown into the tick stream, RxJS would
      // rethrow it as an uncaught exception, which stops the service.
      this.reportBug('tick', error);
    }
  }

  private onUp(connection: MqttConnection): void {
    connection.onMessage((message) => {
      try {
        this.onMessage(connection, message);
      } catch (error) {
        // Same reason as in onTick: an exception must not escape into mqtt.js's stream.
        this.reportBug('message', error);
      }
    });
    connection.onClose(() => this.forward?.detach());
    this.states?.publishAll(connection, this.currentState(), this.clock.wallMs());
    subscribeInputs(connection, this.topics).catch((error: unknown) =>
      this.logger.error(`MQTT commands unavailable: ${describe(error)}`),
    );
    this.forward?.attach(streamSinkFor(connection, this.topics));
    this.reporter.connected(
      this.settings.clientId,
      connection.protocolVersion,
      connection.sessionPresent,
      this.outbox?.stats() ?? null,
    );
  }

  private onDown(reason: string, retryInMs: number): void {
    this.forward?.detach();
    this.reporter.disconnected(reason, retryInMs, this.outbox?.stats() ?? null);
  }

  private onMessage(connection: MqttConnection, message: IncomingMessage): void {
    if (this.intake?.handle(message)) return;
    // Home Assistant (re)started: it lost the discovery and states; send them again. A
    // retained `online` is an old announcement, not a restart.
    if (
      message.topic === this.topics.homeAssistantStatus &&
      !message.retained &&
      message.payload.toString() === 'online'
    ) {
      this.logger.log('Home Assistant is online: publishing discovery and states again');
      this.states?.publishAll(connection, this.currentState(), this.clock.wallMs());
    }
  }

  private sendResult(result: CommandResult, replyTo: ReplyAddress): void {
    const connection = this.link?.connection;
    if (!connection) {
      this.resultsUndelivered += 1;
      return;
    }
    publishCommandResult(connection, this.topics, result, replyTo, (m) => this.logger.warn(m));
  }

  private reportBug(where: string, error: unknown): void {
    this.bugs += 1;
    if (this.bugs === 1 || this.bugs % 1000 === 0) {
      this.logger.error(`MQTT ${where} handling failed (${this.bugs}×): ${describe(error)}`);
    }
  }

  private currentState(): CurrentState {
    const { channels, valve, alarms } = this.control.snapshot();
    return { readings: channels, valve, alarms };
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
