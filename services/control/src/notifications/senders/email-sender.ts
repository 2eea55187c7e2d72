import type * as Nodemailer from 'nodemailer';
import type { EmailChannelConfig } from '../notifications-config.schema';
import type { NotificationMessage } from '../notification-message';
import { DeliveryError, NotificationSender } from './notification-sender';

/** SMTP errors whose message was refused for good (a bad recipient, a rejected message). */
const REFUSED_CODES = new Set(['EENVELOPE', 'EMESSAGE']);

/**
 * Email over SMTP with nodemailer: one connection per message (alarms are rare; an idle pooled
 * connection would only be dropped by the server), STARTTLS when offered (required with
 * `requireTls`), every step bounded by the channel timeout.
 */
export class EmailSender extends NotificationSender {
  readonly target: string;
  private readonly transport;

  constructor(
    private readonly config: EmailChannelConfig,
    timeoutMs: number,
  ) {
    super();
    this.target = `${config.host}:${config.port}`;
    this.transport = loadNodemailer().createTransport({
      host: config.host,
      port: config.port,
      secure: config.secure,
      requireTLS: config.requireTls,
      tls: { rejectUnauthorized: !config.tlsInsecure },
      ...(config.username ? { auth: { user: config.username, pass: config.password ?? '' } } : {}),
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      dnsTimeout: timeoutMs,
    });
  }

  async send(message: NotificationMessage): Promise<void> {
    try {
      await this.transport.sendMail({
        from: this.config.from,
        to: this.config.to,
        subject: message.title,
        text: message.text,
        // The same id for a message sent twice (at-least-once): mail clients show it once.
        messageId: `<${message.id}@${message.deviceId}.cryopilot>`,
        priority: message.priority === 'critical' ? 'high' : 'normal',
      });
    } catch (error) {
      // nodemailer rejects with an Error carrying `code` and the server's `responseCode`.
      const e = error as Error & { code?: string; responseCode?: number };
      const refused =
        e.code !== undefined &&
        REFUSED_CODES.has(e.code) &&
        e.responseCode !== undefined &&
        e.responseCode >= 500;
      throw new DeliveryError(`${this.target}: ${e.message}`, refused);
    }
  }

  /** Connects, says EHLO, upgrades to TLS and logs in, then quits: the server would accept mail. */
  override async probe(): Promise<void> {
    await this.transport.verify();
  }

  override close(): void {
    this.transport.close();
  }
}

/**
 * A lazy require, not an import: nodemailer's ~40 files (1.3 MB of V8 heap, issue 13) are
 * loaded with the first email channel, never by a service that sends no email.
 */
function loadNodemailer(): typeof Nodemailer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('nodemailer') as typeof Nodemailer;
}
