/**
 * Bounds of the operator WebSocket. Every per-client buffer is bounded by these, so that a
 * slow, stalled or hostile client costs a known amount of memory and never delays the others.
 */
export interface GatewayLimits {
  /** Above this many bytes waiting in a client's socket, new samples replace the held one. */
  readonly highWaterBytes: number;
  /** Must-deliver messages (alarms, results, links) queued per client; beyond: disconnect. */
  readonly maxQueuedMessages: number;
  /** Largest client message handled; larger ones are answered `payload_too_large`. */
  readonly maxMessageBytes: number;
  /** Frames above this are not even read: the socket is closed (1009) to protect memory. */
  readonly maxFrameBytes: number;
  /** Ping period; a client that has not answered the previous ping is dropped. */
  readonly heartbeatMs: number;
  /** Minutes of history in the snapshot (the page's default trend range). */
  readonly snapshotTrendMinutes: number;
  /**
   * Messages a client may send: a bucket of `messageBurst` refilled at `messagesPerSecond`.
   * A person clicking never comes close; a script flooding commands (each one audited) is
   * disconnected before it can push the accepted commands out of the bounded audit.
   */
  readonly messagesPerSecond: number;
  readonly messageBurst: number;
}

export const DEFAULT_GATEWAY_LIMITS: GatewayLimits = {
  highWaterBytes: 256 * 1024,
  maxQueuedMessages: 500,
  maxMessageBytes: 4096,
  maxFrameBytes: 64 * 1024,
  heartbeatMs: 5_000,
  snapshotTrendMinutes: 15,
  messagesPerSecond: 5,
  messageBurst: 20,
};

/** WebSocket close codes used by the gateway (4000–4999 are for applications). */
export const CLOSE_CODES = {
  /** The session ended (logout, expiry) while the socket was open: the page must log in. */
  sessionEnded: 4401,
  /** Service shutting down. */
  goingAway: 1001,
  /** Policy violation: the client sent messages faster than `messagesPerSecond`. */
  tooManyMessages: 1008,
} as const;
