import type { NotificationChannelConfig } from '../notifications-config.schema';
import { EmailSender } from './email-sender';
import type { NotificationSender } from './notification-sender';
import { NtfySender } from './ntfy-sender';
import { WebhookSender } from './webhook-sender';

/** The transport of a channel, chosen by its `kind`. Opens nothing: I/O starts at the first send. */
export function createSender(
  channel: NotificationChannelConfig,
  timeoutMs: number,
): NotificationSender {
  switch (channel.kind) {
    case 'email':
      return new EmailSender(channel, timeoutMs);
    case 'ntfy':
      return new NtfySender(channel, timeoutMs);
    case 'webhook':
      return new WebhookSender(channel, timeoutMs);
  }
}
