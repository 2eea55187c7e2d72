import { computed, inject, Injectable, signal } from '@angular/core';
import type { WsClientMessage, WsServerMessage } from '@cryopilot/protocol';
import type { BackoffPolicy } from '@cryopilot/protocol/backoff';
import { DEFAULT_BACKOFF, reconnectDelayMs } from './backoff';
import { parseServerMessage } from './messages';
import {
  REALTIME_URL,
  RealtimeSocket,
  SESSION_PROBE,
  SessionProbe,
  SOCKET_FACTORY,
} from './socket-factory';

/**
 * - `idle`: not started (logged out);
 * - `connecting`: first attempt;
 * - `open`: live;
 * - `reconnecting`: lost, retrying with capped backoff;
 * - `unauthorized`: the session ended; stopped until the next login.
 */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'unauthorized';

/** Close code the service uses when the session ended while connected. */
const SESSION_ENDED = 4401;

/**
 * The one WebSocket of the page. Reconnects with capped exponential backoff, stops when the
 * session is no longer valid, and never queues anything: `send` while not open returns false
 * so that a click made during an outage can never be replayed later.
 */
@Injectable({ providedIn: 'root' })
export class RealtimeConnection {
  private readonly createSocket = inject(SOCKET_FACTORY);
  private readonly url = inject(REALTIME_URL);
  private readonly probeSession: SessionProbe = inject(SESSION_PROBE);
  private readonly backoff: BackoffPolicy = DEFAULT_BACKOFF;

  private readonly stateSignal = signal<ConnectionState>('idle');
  /** Connection state for the header and the outage overlay. */
  readonly state = this.stateSignal.asReadonly();
  readonly isOpen = computed(() => this.state() === 'open');
  private readonly attemptSignal = signal(0);
  /** Failed attempts since the connection was last open. */
  readonly failedAttempts = this.attemptSignal.asReadonly();

  private socket: RealtimeSocket | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly messageListeners = new Set<(message: WsServerMessage) => void>();
  private readonly dropListeners = new Set<() => void>();

  /** Starts connecting (no-op when already started). */
  connect(): void {
    if (this.state() !== 'idle' && this.state() !== 'unauthorized') return;
    this.attemptSignal.set(0);
    this.open('connecting');
  }

  /** Stops for good (logout): closes the socket, cancels retries. */
  disconnect(): void {
    this.stop('idle');
  }

  /** Sends when open; false otherwise. Nothing is ever queued for later. */
  send(message: WsClientMessage): boolean {
    if (this.state() !== 'open' || !this.socket) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /** Every server message; returns the unsubscribe function. */
  onMessage(listener: (message: WsServerMessage) => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  /** Called whenever an open connection is lost (pending requests fail then). */
  onDrop(listener: () => void): () => void {
    this.dropListeners.add(listener);
    return () => this.dropListeners.delete(listener);
  }

  private open(state: 'connecting' | 'reconnecting'): void {
    this.stateSignal.set(state);
    const socket = this.createSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.attemptSignal.set(0);
      this.stateSignal.set('open');
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      const message = parseServerMessage(event.data);
      if (message) for (const listener of this.messageListeners) listener(message);
    };
    socket.onerror = () => undefined; // a close event always follows
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      const wasOpen = this.state() === 'open';
      this.stateSignal.set(event.code === SESSION_ENDED ? 'unauthorized' : 'reconnecting');
      if (wasOpen) for (const listener of this.dropListeners) listener();
      if (event.code !== SESSION_ENDED) this.scheduleRetry(wasOpen);
    };
  }

  private scheduleRetry(wasOpen: boolean): void {
    this.stateSignal.set('reconnecting');
    const attempt = this.attemptSignal() + 1;
    this.attemptSignal.set(attempt);
    // A refused upgrade (401) looks like any network failure to a browser: ask over HTTP.
    const check = wasOpen ? Promise.resolve('valid' as const) : this.probeSession();
    void check
      .catch(() => 'unreachable' as const)
      .then((verdict) => {
        if (this.state() !== 'reconnecting') return;
        if (verdict === 'invalid') {
          this.stop('unauthorized');
          return;
        }
        this.retryTimer = setTimeout(
          () => {
            this.retryTimer = null;
            if (this.state() === 'reconnecting') this.open('reconnecting');
          },
          reconnectDelayMs(attempt, this.backoff),
        );
      });
  }

  private stop(state: 'idle' | 'unauthorized'): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const socket = this.socket;
    this.socket = null;
    const wasOpen = this.state() === 'open';
    this.stateSignal.set(state);
    if (socket) socket.close(1000, 'page closed the connection');
    if (wasOpen) for (const listener of this.dropListeners) listener();
  }
}
