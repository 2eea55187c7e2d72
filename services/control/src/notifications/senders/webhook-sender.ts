import { createHmac } from 'node:crypto';
import type { WebhookChannelConfig } from '../notifications-config.schema';
import type { NotificationMessage } from '../notification-message';
import { postOrThrow } from './http-post';
import { NotificationSender } from './notification-sender';

/** The JSON body of a webhook (documented in the README). */
export function webhookBody(message: NotificationMessage): string {
  const { event } = message;
  return JSON.stringify({
    id: message.id,
    device: message.deviceId,
    kind: event.kind,
    priority: message.priority,
    title: message.title,
    text: message.text,
    alarm: event.alarm,
    ts: event.ts,
    ...(event.by ? { by: event.by } : {}),
    ...(event.repeat ? { repeat: event.repeat } : {}),
    ...(event.escalated ? { escalated: true } : {}),
  });
}

/** `sha256=<hex>` of the exact body bytes, the form GitHub and most receivers check. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/**
 * A generic JSON webhook: one POST per notification, `X-CryoPilot-Delivery` as an idempotency
 * key (delivery is at-least-once), optional bearer token and HMAC signature of the body.
 */
export class WebhookSender extends NotificationSender {
  readonly target: string;

  constructor(
    private readonly config: WebhookChannelConfig,
    private readonly timeoutMs: number,
  ) {
    super();
    // The host only: a topic or webhook path is often the secret itself (ntfy.sh, Slack).
    this.target = new URL(config.url).host;
  }

  send(message: NotificationMessage): Promise<void> {
    const body = webhookBody(message);
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'X-CryoPilot-Delivery': message.id,
    };
    if (this.config.token) headers.Authorization = `Bearer ${this.config.token}`;
    if (this.config.hmacSecret) {
      headers['X-CryoPilot-Signature'] = signature(this.config.hmacSecret, body);
    }
    return postOrThrow(this.config.url, headers, body, this.timeoutMs);
  }
}
