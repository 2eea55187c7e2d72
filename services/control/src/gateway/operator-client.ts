import type { Role } from '@cryopilot/protocol';
import type { WebSocket } from 'ws';
import { ClientOutbox } from './client-outbox';
import type { GatewayLimits } from './gateway.limits';

/** One connected operator page: its socket, who is logged in, what it is sent. */
export class OperatorClient {
  readonly outbox: ClientOutbox;
  /** Cleared at each ping, set by the pong: still false at the next ping means dead. */
  private isAlive = true;

  constructor(
    readonly socket: WebSocket,
    /** The session token, re-checked before each command and at each heartbeat. */
    readonly token: string,
    readonly user: string,
    readonly role: Role,
    limits: GatewayLimits,
    onOverflow: (client: OperatorClient) => void,
  ) {
    this.outbox = new ClientOutbox(socket, limits, () => onOverflow(this));
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
