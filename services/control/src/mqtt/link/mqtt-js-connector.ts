import { Injectable } from '@nestjs/common';
import { connect, IClientOptions, IConnackPacket, IPublishPacket, MqttClient } from 'mqtt';
import { writeToStream } from 'mqtt-packet';
import {
  IncomingMessage,
  MqttConnection,
  MqttConnectOptions,
  MqttConnector,
  PublishOptions,
  SubscriptionRequest,
} from './mqtt-connection';

// mqtt-packet's number cache off, for the whole process. On by default, it builds 65 536
// two-byte Buffers (about 6 MB of heap, kept for the life of the process) on the first MQTT
// packet written, to save a 2-byte allocation per packet id or string length written; at a
// few packets per second that saves nothing measurable. The switch is a module-global of
// mqtt-packet, shared by MQTT.js and aedes (the embedded broker) as long as both resolve the
// same copy (checked by mqtt-packet-cache.spec.ts), and has to be set before either writes:
// this module is loaded with the MQTT bridge, before any session or embedded broker starts.
// The bytes written are the same either way (mqtt-packet then builds each number on the fly).
writeToStream.cacheNumbers = false;

/** Messages kept for the owner until it listens (a broker's backlog right after CONNACK). */
const MAX_EARLY_MESSAGES = 1000;

/** mqtt.js options for one session: no library reconnect, no offline queue. */
export function toClientOptions(o: MqttConnectOptions): IClientOptions {
  return {
    clientId: o.clientId,
    username: o.username,
    password: o.password,
    protocolVersion: o.protocolVersion,
    keepalive: o.keepaliveS,
    clean: false,
    // Reconnection is ours (capped exponential backoff with jitter, a fresh session each
    // time); mqtt.js would retry at a fixed period and replay its in-memory store.
    reconnectPeriod: 0,
    connectTimeout: o.connectTimeoutMs,
    queueQoSZero: false,
    resubscribe: false,
    manualConnect: true,
    ...(o.protocolVersion === 5 ? { properties: { sessionExpiryInterval: o.sessionExpiryS } } : {}),
    will: {
      topic: o.will.topic,
      payload: Buffer.from(o.will.payload),
      qos: 1,
      retain: o.will.retain,
    },
    ...(o.tls
      ? {
          ca: o.tls.ca,
          cert: o.tls.cert,
          key: o.tls.key,
          rejectUnauthorized: o.tls.rejectUnauthorized,
        }
      : {}),
  };
}

/** Opens MQTT sessions with mqtt.js (`mqtt` ≥ 5.10). */
@Injectable()
export class MqttJsConnector extends MqttConnector {
  connect(options: MqttConnectOptions): Promise<MqttConnection> {
    return new Promise((resolve, reject) => {
      // Inside the executor: a URL or option mqtt.js rejects (it throws) becomes a rejection.
      const client = connect(options.url, toClientOptions(options));
      let lastError: Error | null = null;
      // mqtt.js reports every failure as an 'error' event; an EventEmitter without an 'error'
      // listener would throw. This listener stays for the client's whole life.
      client.on('error', (error) => (lastError = error));
      const fail = (error: Error) => {
        clearTimeout(timer);
        client.removeAllListeners('connect');
        client.removeListener('close', onCloseBeforeConnack);
        try {
          client.end(true);
        } catch {
          // A client whose stream was never built (connect threw) has nothing to end; the
          // attempt fails with the original error either way.
        }
        reject(error);
      };
      const onCloseBeforeConnack = () => fail(lastError ?? new Error('connection closed'));
      const timer = setTimeout(
        () => fail(new Error(`no CONNACK within ${options.connectTimeoutMs} ms`)),
        options.connectTimeoutMs + 1000,
      );
      client.once('close', onCloseBeforeConnack);
      client.once('connect', (connack) => {
        clearTimeout(timer);
        client.removeListener('close', onCloseBeforeConnack);
        resolve(new MqttJsConnection(client, connack, options.protocolVersion));
      });
      try {
        client.connect();
      } catch (error) {
        // mqtt.js builds the socket (and the TLS context) synchronously here: malformed TLS
        // material throws. The attempt fails; the timer above must not outlive it.
        fail(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }
}

/** One mqtt.js session; finished for good once closed. */
class MqttJsConnection implements MqttConnection {
  readonly sessionPresent: boolean;
  private closed = false;
  private lastError: string | null = null;
  /** Rejecters of publishes still waiting for their acknowledgement. */
  private readonly pending = new Set<(error: Error) => void>();
  private readonly closeListeners: ((reason: string) => void)[] = [];
  private messageListener: ((message: IncomingMessage) => void) | null = null;
  /** Messages that arrived before `onMessage` (right after CONNACK, same TCP read). */
  private early: IncomingMessage[] | null = [];

  constructor(
    private readonly client: MqttClient,
    connack: IConnackPacket,
    readonly protocolVersion: 4 | 5,
  ) {
    this.sessionPresent = connack.sessionPresent;
    client.on('error', (error) => (this.lastError = error.message));
    client.on('disconnect', (packet) => {
      this.lastError = `broker disconnected us (reason code ${packet.reasonCode ?? 0})`;
    });
    client.once('close', () => this.handleClose());
    // Attached now, inside the 'connect' event: a broker may send queued messages in the same
    // read as the CONNACK, before the owner had a chance to listen.
    client.on('message', (topic: string, payload: Buffer, packet: IPublishPacket) => {
      const message = toIncoming(topic, payload, packet);
      if (this.messageListener) this.messageListener(message);
      else if (this.early && this.early.length < MAX_EARLY_MESSAGES) this.early.push(message);
    });
  }

  publish(topic: string, payload: string | Buffer, options: PublishOptions): Promise<void> {
    if (this.closed) return Promise.reject(new Error('connection closed'));
    const properties =
      this.protocolVersion === 5 && (options.correlationData || options.userProperties)
        ? {
            ...(options.correlationData ? { correlationData: options.correlationData } : {}),
            ...(options.userProperties ? { userProperties: { ...options.userProperties } } : {}),
          }
        : undefined;
    return new Promise((resolve, reject) => {
      this.pending.add(reject);
      this.client.publish(
        topic,
        payload,
        { qos: options.qos, retain: options.retain, ...(properties ? { properties } : {}) },
        (error) => {
          this.pending.delete(reject);
          if (error) reject(error);
          else resolve();
        },
      );
    });
  }

  async subscribe(subscriptions: readonly SubscriptionRequest[]): Promise<void> {
    const map: Record<string, { qos: 0 | 1; nl?: boolean; rh?: number; rap?: boolean }> = {};
    for (const s of subscriptions) {
      map[s.topic] = {
        qos: s.qos,
        ...(this.protocolVersion === 5
          ? {
              nl: s.noLocal ?? false,
              rh: s.skipRetained ? 2 : 0,
              rap: s.retainAsPublished ?? false,
            }
          : {}),
      };
    }
    const granted = await this.client.subscribeAsync(map);
    const refused = granted.filter((g) => g.qos === 128).map((g) => g.topic);
    if (refused.length > 0)
      throw new Error(`subscription refused by the broker: ${refused.join(', ')}`);
  }

  onMessage(listener: (message: IncomingMessage) => void): void {
    this.messageListener = listener;
    const early = this.early ?? [];
    this.early = null;
    for (const message of early) listener(message);
  }

  onClose(listener: (reason: string) => void): void {
    this.closeListeners.push(listener);
  }

  close(graceful: boolean, timeoutMs: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      // mqtt.js waits for outstanding acknowledgements before DISCONNECT; a dead link never
      // delivers them, so the socket is destroyed after the timeout.
      const timer = setTimeout(() => {
        this.client.stream?.destroy();
        resolve();
      }, timeoutMs);
      this.client.end(!graceful, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private handleClose(): void {
    if (this.closed) return;
    this.closed = true;
    const reason = this.lastError ?? 'connection closed';
    const error = new Error(`connection closed before acknowledgement (${reason})`);
    for (const reject of this.pending) reject(error);
    this.pending.clear();
    // Release the client's timers and stores; this session is over.
    this.client.end(true);
    for (const listener of this.closeListeners) listener(reason);
  }
}

function toIncoming(topic: string, payload: Buffer, packet: IPublishPacket): IncomingMessage {
  const p = packet.properties;
  const correlation = p?.correlationData;
  return {
    topic,
    payload,
    retained: packet.retain === true,
    ...(p?.responseTopic ? { responseTopic: p.responseTopic } : {}),
    ...(correlation ? { correlationData: Buffer.from(correlation) } : {}),
    ...(p?.messageExpiryInterval !== undefined ? { messageExpiryS: p.messageExpiryInterval } : {}),
  };
}
