import type { Severity } from '@cryopilot/protocol';
import type { NtfyChannelConfig } from '../notifications-config.schema';
import type { NotificationMessage } from '../notification-message';
import { postOrThrow } from './http-post';
import { NotificationSender } from './notification-sender';

/** ntfy priorities (1..5): a critical alarm is `urgent` (5), which rings through Do Not Disturb. */
const PRIORITY: Record<Severity, string> = { critical: '5', warning: '4', info: '3' };
const TAGS: Record<NotificationMessage['event']['kind'], string> = {
  raised: 'rotating_light',
  repeat: 'rotating_light,repeat',
  cleared: 'white_check_mark',
  acknowledged: 'ok_hand',
  test: 'test_tube',
};

/**
 * ntfy (https://docs.ntfy.sh/publish/): the message is the body, title, priority and tags are
 * headers, an optional access token is a bearer token.
 */
export class NtfySender extends NotificationSender {
  readonly target: string;

  constructor(
    private readonly config: NtfyChannelConfig,
    private readonly timeoutMs: number,
  ) {
    super();
    // The host only: a topic or webhook path is often the secret itself (ntfy.sh, Slack).
    this.target = new URL(config.url).host;
  }

  send(message: NotificationMessage): Promise<void> {
    const headers: Record<string, string> = {
      'Content-Type': 'text/plain; charset=utf-8',
      Title: headerText(message.title),
      Priority: PRIORITY[message.priority],
      Tags: TAGS[message.event.kind],
    };
    if (this.config.token) headers.Authorization = `Bearer ${this.config.token}`;
    return postOrThrow(this.config.url, headers, message.text, this.timeoutMs);
  }

  /** ntfy's health endpoint on the topic's server. */
  override probe(): Promise<void> {
    return probeHealth(new URL('/v1/health', this.config.url).toString(), this.timeoutMs);
  }
}

/**
 * HTTP headers carry Latin-1 only (fetch refuses anything else); ntfy decodes RFC 2047
 * encoded words, so a title with other characters (O₂, accents) travels as one.
 */
export function headerText(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  return `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

async function probeHealth(url: string, timeoutMs: number): Promise<void> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  await response.text().catch(() => '');
  if (!response.ok) throw new Error(`${new URL(url).host}: HTTP ${response.status}`);
}
