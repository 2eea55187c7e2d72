import type { LinkRegistry } from '../../links/link-registry';
import type { DiskOutboxStats } from '../../delivery/disk-outbox.types';

/**
 * Reports the MQTT link to `LinkRegistry` (`/api/health`, `/api/state.links`, the UI) and the
 * log, with what an operator needs: the broker, the protocol, why it is down, when the next
 * attempt comes, what is buffered on disk and what was dropped at the bound. Never a
 * credential: the URL is the display URL.
 */
export class MqttLinkReporter {
  private failedAttempts = 0;
  /** The last state and its text without the outbox figures, to refresh them on a drop. */
  private last: { state: 'connected' | 'disconnected'; text: string } | null = null;

  constructor(
    private readonly links: LinkRegistry,
    private readonly displayUrl: string,
    private readonly logger: { log(message: string): void; warn(message: string): void },
  ) {}

  connecting(): void {
    this.links.set('mqtt', 'connecting', `connecting to ${this.displayUrl}`);
  }

  connected(
    clientId: string,
    protocolVersion: 4 | 5,
    sessionPresent: boolean,
    outbox: DiskOutboxStats | null,
  ): void {
    this.failedAttempts = 0;
    const version = protocolVersion === 5 ? 'MQTT 5' : 'MQTT 3.1.1';
    const session = sessionPresent ? ', session resumed' : '';
    this.last = { state: 'connected', text: `${this.displayUrl} (${version}${session})` };
    this.publish(outbox);
    this.logger.log(`connected to ${this.last.text} as ${clientId}`);
  }

  disconnected(reason: string, retryInMs: number, outbox: DiskOutboxStats | null): void {
    this.failedAttempts += 1;
    const retry = `retry in ${(retryInMs / 1000).toFixed(1)} s`;
    this.last = { state: 'disconnected', text: `${reason}; ${retry}` };
    this.publish(outbox);
    // The first failure, then every 20th: an outage of hours does not flood the log.
    if (this.failedAttempts === 1 || this.failedAttempts % 20 === 0) {
      this.logger.warn(
        `MQTT ${this.displayUrl}: ${reason} (attempt ${this.failedAttempts}, ${retry})`,
      );
    }
  }

  /** The outbox dropped records at its bound: show the new count at once. */
  outboxDropped(outbox: DiskOutboxStats): void {
    this.publish(outbox);
  }

  /** MQTT could not even start (outbox directory, embedded broker port). */
  notStarted(reason: string): void {
    this.last = null;
    this.links.set('mqtt', 'disconnected', `not started: ${reason}`);
  }

  private publish(outbox: DiskOutboxStats | null): void {
    if (!this.last) return;
    const dropped = outbox?.dropped ?? 0;
    const refused = outbox?.writeFailed ?? 0;
    const droppedNote =
      (dropped > 0 ? `; ${dropped} record(s) dropped at the outbox bound` : '') +
      (refused > 0 ? `; ${refused} record(s) refused by the disk` : '');
    // Buffered records matter while disconnected; connected, they are being replayed.
    const buffered =
      this.last.state === 'disconnected'
        ? `; ${outbox?.pending ?? 0} record(s) buffered on disk`
        : '';
    this.links.set('mqtt', this.last.state, `${this.last.text}${buffered}${droppedNote}`);
  }
}
