/** The part of a server-side WebSocket the outbox needs (the `ws` socket satisfies it). */
export interface OutboundSocket {
  /** Bytes accepted by `send` but not yet handed to the operating system. */
  readonly bufferedAmount: number;
  /** 1 = open (WebSocket.OPEN). */
  readonly readyState: number;
  send(data: Buffer, options: { binary: false }, callback: (error?: Error) => void): void;
}

const OPEN = 1;

export interface OutboxStats {
  readonly bufferedBytes: number;
  readonly queuedMessages: number;
  /** Samples replaced by a newer one before they could be sent (conflation). */
  readonly conflatedSamples: number;
}

/**
 * What one client is sent, and when. Two kinds of messages:
 * - samples, conflated: while the socket is backed up (more than `highWaterBytes` waiting),
 *   a new sample replaces the one held back, so a slow client gets the newest state, never a
 *   growing backlog;
 * - must-deliver messages (snapshot, alarm, command result, links, setpoints), kept in order
 *   in a bounded queue; when it overflows the client is hopeless and `onOverflow` disconnects
 *   it (the page then reconnects and starts again from a fresh snapshot).
 * Must-deliver messages go first: they are rare and they are what an operator acts on.
 */
export class ClientOutbox {
  private readonly queue: Buffer[] = [];
  private heldSample: Buffer | null = null;
  private conflated = 0;
  private overflowed = false;

  constructor(
    private readonly socket: OutboundSocket,
    private readonly limits: {
      readonly highWaterBytes: number;
      readonly maxQueuedMessages: number;
    },
    private readonly onOverflow: () => void,
  ) {}

  /** Offers the newest sample; an older one still held back is dropped (counted). */
  offerSample(data: Buffer): void {
    if (this.heldSample) this.conflated += 1;
    this.heldSample = data;
    this.flush();
  }

  /** Queues a message that must not be lost. False when the client was given up on. */
  enqueue(data: Buffer): boolean {
    if (this.overflowed) return false;
    if (this.queue.length >= this.limits.maxQueuedMessages) {
      this.overflowed = true;
      this.queue.length = 0;
      this.heldSample = null;
      this.onOverflow();
      return false;
    }
    this.queue.push(data);
    this.flush();
    return true;
  }

  /** Sends as much as the socket takes below the high-water mark. Called after each send too. */
  flush(): void {
    while (
      this.socket.readyState === OPEN &&
      this.socket.bufferedAmount < this.limits.highWaterBytes
    ) {
      const next = this.queue.shift() ?? this.takeHeldSample();
      if (!next) return;
      // The callback runs once the bytes left the process buffer: a chance to send more.
      this.socket.send(next, { binary: false }, (error) => {
        if (!error) this.flush();
      });
    }
  }

  stats(): OutboxStats {
    return {
      bufferedBytes: this.socket.bufferedAmount,
      queuedMessages: this.queue.length,
      conflatedSamples: this.conflated,
    };
  }

  private takeHeldSample(): Buffer | null {
    const sample = this.heldSample;
    this.heldSample = null;
    return sample;
  }
}
