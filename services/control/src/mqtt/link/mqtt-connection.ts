/**
 * The small local interface the MQTT feature depends on instead of mqtt.js's types (see
 * code-style anchors, "External I/O behind local interfaces"). One `MqttConnection` is one
 * network session: when it closes it is finished, and the link opens a new one — so
 * reconnection, backoff and what happens to unacknowledged messages are decided here, not by
 * the library's fixed-period reconnect and unbounded in-memory queue.
 */

export type QoS = 0 | 1;

/** What the connector needs to open a session. */
export interface MqttConnectOptions {
  readonly url: string;
  readonly clientId: string;
  readonly username?: string;
  readonly password?: string;
  /** 5 = MQTT 5, 4 = MQTT 3.1.1. */
  readonly protocolVersion: 4 | 5;
  readonly keepaliveS: number;
  /** Persistent session (`clean: false`); MQTT 5 needs an expiry or the session ends at once. */
  readonly sessionExpiryS: number;
  readonly connectTimeoutMs: number;
  readonly tls?: {
    readonly ca?: Buffer;
    readonly cert?: Buffer;
    readonly key?: Buffer;
    readonly rejectUnauthorized: boolean;
  };
  /** Last will: published by the broker if the session ends without a clean DISCONNECT. */
  readonly will: { readonly topic: string; readonly payload: string; readonly retain: boolean };
}

export interface PublishOptions {
  readonly qos: QoS;
  readonly retain: boolean;
  /** MQTT 5 only (ignored with 3.1.1). */
  readonly correlationData?: Buffer;
  /** MQTT 5 only: string pairs attached to the message. */
  readonly userProperties?: Readonly<Record<string, string>>;
}

export interface SubscriptionRequest {
  readonly topic: string;
  readonly qos: QoS;
  /** MQTT 5: do not deliver our own publications back to us. */
  readonly noLocal?: boolean;
  /** MQTT 5: do not send retained messages when subscribing. */
  readonly skipRetained?: boolean;
  /**
   * MQTT 5: keep the publisher's retain flag on live messages (Retain As Published), so that a
   * command published retained is recognised as such even when it arrives live.
   */
  readonly retainAsPublished?: boolean;
}

/** A message received from the broker. */
export interface IncomingMessage {
  readonly topic: string;
  readonly payload: Buffer;
  /** Set when the broker delivers a stored retained message (e.g. at subscription). */
  readonly retained: boolean;
  /** MQTT 5 request/response. */
  readonly responseTopic?: string;
  readonly correlationData?: Buffer;
  /** MQTT 5: remaining lifetime the broker reported for this message (s). */
  readonly messageExpiryS?: number;
}

/** One connected session. */
export interface MqttConnection {
  readonly protocolVersion: 4 | 5;
  /** The broker still had our session (subscriptions) from before. */
  readonly sessionPresent: boolean;
  /**
   * Resolves when the broker acknowledged the message (QoS 1) or it was written (QoS 0);
   * rejects when the session ends first — the message may or may not have arrived.
   */
  publish(topic: string, payload: string | Buffer, options: PublishOptions): Promise<void>;
  subscribe(subscriptions: readonly SubscriptionRequest[]): Promise<void>;
  onMessage(listener: (message: IncomingMessage) => void): void;
  /** Called once when the session ends for any reason, with a reason for people. */
  onClose(listener: (reason: string) => void): void;
  /**
   * Ends the session. `graceful` sends DISCONNECT (the broker discards the last will) once
   * outstanding acknowledgements are in, waiting at most `timeoutMs`; otherwise the socket is
   * simply destroyed.
   */
  close(graceful: boolean, timeoutMs: number): Promise<void>;
}

/** Opens sessions; the DI token of the transport (an abstract class, no Symbol needed). */
export abstract class MqttConnector {
  /** Resolves once the broker accepted the session; rejects with a reason for people. */
  abstract connect(options: MqttConnectOptions): Promise<MqttConnection>;
}
