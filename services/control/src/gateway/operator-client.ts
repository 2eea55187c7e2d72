import type { Role } from '@cryopilot/protocol';
import type { WebSocket } from 'ws';
import { ClientOutbox } from './client-outbox';
import type { GatewayLimits } from './gateway.limits';

/** One connected operator page: its socket, who is logged in, what it is sent. */
export class OperatorClient {
  readonly outbox: ClientOutbox;
  /** Cleared at each ping, set by the pong: still false at the next ping means dead. */
  private isAlive = true;
  private tokens: number;
  private refilledAtMs: number | null = null;

  constructor(
    readonly socket: WebSocket,
    /** The session token, re-checked before each command and at each heartbeat. */
    readonly token: string,
    readonly user: string,
    readonly role: Role,
    private readonly limits: GatewayLimits,
    onOverflow: (client: OperatorClient) => void,
  ) {
    this.outbox = new ClientOutbox(socket, limits, () => onOverflow(this));
    this.tokens = limits.messageBurst;
  }

  /** Takes one message from the client's allowance (token bucket); false when it is spent. */
  allowMessage(nowMs: number): boolean {
    const elapsedS = this.refilledAtMs === null ? 0 : (nowMs - this.refilledAtMs) / 1000;
    this.refilledAtMs = nowMs;
    this.tokens = Math.min(
      this.limits.messageBurst,
      this.tokens + elapsedS * this.limits.messagesPerSecond,
    );
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  markAlive(): void {
    this.isAlive = true;
  }

  /**
   * One heartbeat: false when the previous ping was never answered (the caller drops the
   * client); otherwise sends the next ping.
   */
  beat(): boolean {
    if (!this.isAlive) return false;
    this.isAlive = false;
    this.socket.ping();
    return true;
  }
}
