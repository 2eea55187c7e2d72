import { Inject, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import {
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Setpoints, WsServerMessage } from '@cryopilot/protocol';
import type { IncomingMessage } from 'node:http';
import type { Subscription } from 'rxjs';
import type { RawData, WebSocket, WebSocketServer } from 'ws';
import { SessionStore } from '../auth/session-store';
import { Clock } from '../clock/clock';
import { CommandBus } from '../commands/command-bus';
import type { CommandContext } from '../commands/command-context';
import { WEB_CONFIG, WebConfig } from '../config/config.slices';
import { ControlView } from '../control/control.facades';
import type { TickOutcome } from '../control/control-runtime';
import { LinkRegistry } from '../links/link-registry';
import { TrendService } from '../trend/trend.service';
import type { OutboxStats } from './client-outbox';
import { CLOSE_CODES, DEFAULT_GATEWAY_LIMITS, GatewayLimits } from './gateway.limits';
import { classifyInbound } from './inbound-message';
import { OperatorClient } from './operator-client';
import {
  AlarmChangeTracker,
  commandResultMessage,
  encodeMessage,
  linksMessage,
  sampleMessage,
  setpointsMessage,
  snapshotMessage,
} from './outbound-messages';
import { sessionTokenFromCookieHeader } from './session-cookie';
import { TimeSlicedQueue } from './time-sliced-queue';
import { createUpgradeVerifier } from './upgrade-auth';

/** More clients than this is a leak or an attack, not a control room. */
const MAX_CLIENTS = 1000;

/**
 * The operator page's live channel at `/ws` on the HTTP port (docs/interfaces.md): a
 * snapshot on connect, then samples (conflated per client), alarm, links and setpoint events,
 * and command results. Commands go through the command bus like every other transport.
 */
@WebSocketGateway({ path: '/ws', maxPayload: DEFAULT_GATEWAY_LIMITS.maxFrameBytes })
export class OperatorGateway
  implements
    OnGatewayInit<WebSocketServer>,
    OnGatewayConnection<WebSocket>,
    OnGatewayDisconnect<WebSocket>,
    OnModuleInit,
    OnModuleDestroy
{
  private readonly logger = new Logger(OperatorGateway.name);
  private readonly limits: GatewayLimits = DEFAULT_GATEWAY_LIMITS;
  private readonly clients = new Map<WebSocket, OperatorClient>();
  private readonly alarmChanges = new AlarmChangeTracker();
  private lastSetpoints: Setpoints | null = null;
  private subscriptions: Subscription[] = [];
  private stopTicks: (() => void) | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  /** Clients disconnected for sending messages too fast. */
  private floods = 0;
  /**
   * New clients wait here for their snapshot, built a few at a time so that a burst of
   * connections never holds up a tick; until then they get no sample or broadcast (the
   * snapshot, built when it is sent, holds the state they would have told).
   */
  private readonly upgrades = new TimeSlicedQueue<() => void>(
    (job) => job(),
    (error) =>
      this.logger.error(`upgrade failed: ${error instanceof Error ? error.stack : String(error)}`),
  );
  private readonly snapshots = new TimeSlicedQueue<OperatorClient>(
    (client) => this.sendSnapshot(client),
    (error) =>
      this.logger.error(`snapshot failed: ${error instanceof Error ? error.stack : String(error)}`),
  );

  constructor(
    @Inject(WEB_CONFIG.token) private readonly config: WebConfig,
    private readonly clock: Clock,
    private readonly control: ControlView,
    private readonly trend: TrendService,
    private readonly links: LinkRegistry,
    private readonly bus: CommandBus,
    private readonly sessions: SessionStore,
  ) {}

  /**
   * Refuses the upgrade itself (HTTP 401/403/503) instead of opening a socket to close it;
   * upgrades are taken a few milliseconds' worth at a time (a burst of 500 made a tick late).
   */
  afterInit(server: WebSocketServer): void {
    server.options.verifyClient = createUpgradeVerifier(
      this.sessions,
      {
        isFull: () => this.clients.size >= MAX_CLIENTS,
        userAtLimit: (user) =>
          [...this.clients.values()].filter((c) => c.user === user).length >=
          this.config.http.maxSocketsPerUser,
      },
      (job) => this.upgrades.add(job),
    );
  }

  onModuleInit(): void {
    this.stopTicks = this.control.onTick('operator gateway', (outcome) =>
      this.publishTick(outcome),
    );
    this.subscriptions = [
      this.links.changes$.subscribe((links) => this.broadcast(linksMessage(links))),
    ];
    this.heartbeat = setInterval(() => this.beat(), this.limits.heartbeatMs);
    this.heartbeat.unref();
  }

  onModuleDestroy(): void {
    this.stopTicks?.();
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const socket of this.clients.keys())
      socket.close(CLOSE_CODES.goingAway, 'service stopping');
  }

  handleConnection(socket: WebSocket, request: IncomingMessage): void {
    const token = sessionTokenFromCookieHeader(request.headers.cookie);
    const session = this.sessions.get(token);
    if (!token || !session) {
      // The session ended between the upgrade check and now.
      socket.close(CLOSE_CODES.sessionEnded, 'login required');
      return;
    }
    const client = new OperatorClient(socket, token, session.user, session.role, this.limits, (c) =>
      this.dropSlowClient(c),
    );
    this.clients.set(socket, client);
    socket.on('pong', () => client.markAlive());
    socket.on('message', (data, isBinary) => this.receive(client, data, isBinary));
    this.snapshots.add(client);
  }

  handleDisconnect(socket: WebSocket): void {
    const client = this.clients.get(socket);
    if (client) this.snapshots.remove(client);
    this.clients.delete(socket);
  }

  private sendSnapshot(client: OperatorClient): void {
    if (!this.clients.has(client.socket)) return; // gone before its turn
    client.outbox.enqueue(encodeMessage(this.snapshotFor(client)));
  }

  /** Per-client send state, for tests and diagnostics. */
  stats(): { clients: number; perClient: OutboxStats[]; floods: number } {
    const perClient = [...this.clients.values()].map((c) => c.outbox.stats());
    return { clients: this.clients.size, perClient, floods: this.floods };
  }

  private snapshotFor(client: OperatorClient): WsServerMessage {
    return snapshotMessage(
      this.control.snapshot(),
      this.trend.recent(this.limits.snapshotTrendMinutes, this.clock.wallMs()),
      this.control.alarms(),
      { user: client.user, role: client.role },
      this.config.trend.retainMinutes,
    );
  }

  private publishTick(outcome: TickOutcome): void {
    if (this.clients.size === 0) return;
    // Encoded once for every client: 200 pages cost 200 socket writes, not 200 stringifies.
    const sample = encodeMessage(sampleMessage(outcome));
    for (const client of this.clients.values()) {
      if (!this.snapshots.has(client)) client.outbox.offerSample(sample);
    }
    this.publishStateChanges();
  }

  /** Alarm and setpoint changes, whether a tick or a command caused them. */
  private publishStateChanges(): void {
    for (const alarm of this.alarmChanges.changes(this.control.alarms())) {
      this.broadcast({ type: 'alarm', alarm });
    }
    const setpoints = this.control.setpoints();
    if (setpoints !== this.lastSetpoints) {
      if (this.lastSetpoints !== null) this.broadcast(setpointsMessage(setpoints));
      this.lastSetpoints = setpoints;
    }
  }

  private broadcast(message: WsServerMessage): void {
    if (this.clients.size === 0) return;
    const data = encodeMessage(message);
    for (const client of this.clients.values()) {
      if (!this.snapshots.has(client)) client.outbox.enqueue(data);
    }
  }

  private receive(client: OperatorClient, data: RawData, isBinary: boolean): void {
    if (!client.allowMessage(performance.now())) {
      // Not executed, not audited: a flood must not reach the command bus or the audit.
      this.floods += 1;
      client.socket.close(CLOSE_CODES.tooManyMessages, 'too many messages');
      return;
    }
    this.execute(client, toBuffer(data), isBinary).catch((error: unknown) =>
      this.logger.error(
        `WebSocket command failed: ${error instanceof Error ? error.stack : String(error)}`,
      ),
    );
  }

  private async execute(client: OperatorClient, data: Buffer, isBinary: boolean): Promise<void> {
    const session = this.sessions.get(client.token);
    const ctx: CommandContext = { user: client.user, role: session?.role ?? null, source: 'ws' };
    const inbound = classifyInbound(data, isBinary, this.limits.maxMessageBytes);
    const result =
      inbound.kind === 'reject'
        ? await this.bus.reject(inbound.code, inbound.message, ctx, inbound.id)
        : await this.bus.execute(inbound.request, ctx);
    client.outbox.enqueue(encodeMessage(commandResultMessage(result)));
    if (!session) {
      client.socket.close(CLOSE_CODES.sessionEnded, 'session ended');
      return;
    }
    this.publishStateChanges();
  }

  private beat(): void {
    for (const client of this.clients.values()) {
      if (!client.beat()) {
        this.logger.warn(`dropping unresponsive WebSocket client of ${client.user}`);
        client.socket.terminate();
        this.clients.delete(client.socket);
      } else if (!this.sessions.get(client.token)) {
        client.socket.close(CLOSE_CODES.sessionEnded, 'session ended');
      }
    }
  }

  private dropSlowClient(client: OperatorClient): void {
    this.logger.warn(`WebSocket client of ${client.user} cannot keep up: disconnecting it`);
    // Terminate rather than close: a close frame would wait behind the very backlog that is
    // the problem. The page reconnects and starts again from a fresh snapshot.
    client.socket.terminate();
    this.clients.delete(client.socket);
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
