import { SEVERITIES } from '@cryopilot/protocol';
import { z } from 'zod';

// Schemas are functions, built when the configuration is read (see config/config.schema.ts).

/** Alarm transitions a channel can be told about. `repeat` follows `raised`. */
export const ROUTED_EVENTS = ['raised', 'cleared', 'acknowledged'] as const;

/**
 * A channel name: it names the outbox directory, the link (`notify:<name>`) and the
 * environment variables of its secrets (`NOTIFY_<NAME>_PASSWORD`), so it is kept plain.
 */
export const channelNameSchema = () =>
  z
    .string()
    .regex(
      /^[a-z][a-z0-9_]{0,31}$/,
      'lower-case letters, digits and _ (at most 32), a letter first',
    );

const httpUrl = () => z.string().regex(/^https?:\/\/[^\s]+$/, 'must be an http:// or https:// URL');
const hhmm = () =>
  z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time HH:MM (00:00..23:59)');

/** What every channel has: its name and what it is told about. */
const routing = () => ({
  name: channelNameSchema(),
  /** Alarm severities sent to this channel; [] = only escalations and tests. */
  priorities: z.array(z.enum(SEVERITIES)).default(['critical', 'warning']),
  events: z.array(z.enum(ROUTED_EVENTS)).default([...ROUTED_EVENTS]),
});

const emailChannelSchema = () =>
  z.strictObject({
    ...routing(),
    kind: z.literal('email'),
    host: z.string().min(1),
    /** 587 (STARTTLS), 465 (`secure: true`) or 25. */
    port: z.number().int().min(1).max(65_535).default(587),
    /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
    secure: z.boolean().default(false),
    /** Refuse to send without STARTTLS (credentials and alarms never go in clear). */
    requireTls: z.boolean().default(false),
    /** Accept a self-signed server certificate (test setups only). */
    tlsInsecure: z.boolean().default(false),
    username: z.string().max(256).optional(),
    /** From NOTIFY_<NAME>_PASSWORD (or its _FILE); never logged. */
    password: z.string().max(1024).optional(),
    from: z.email(),
    to: z.array(z.email()).min(1),
  });

const ntfyChannelSchema = () =>
  z.strictObject({
    ...routing(),
    kind: z.literal('ntfy'),
    /** The topic URL, e.g. https://ntfy.sh/lab-dewar-1-alarms. */
    url: httpUrl(),
    /** Access token (NOTIFY_<NAME>_TOKEN or its _FILE); never logged. */
    token: z.string().max(1024).optional(),
  });

const webhookChannelSchema = () =>
  z.strictObject({
    ...routing(),
    kind: z.literal('webhook'),
    url: httpUrl(),
    /** Sent as `Authorization: Bearer …` (NOTIFY_<NAME>_TOKEN or its _FILE). */
    token: z.string().max(1024).optional(),
    /** Signs the body: `X-CryoPilot-Signature: sha256=<hex HMAC>` (NOTIFY_<NAME>_SECRET). */
    hmacSecret: z.string().min(16, 'at least 16 characters').max(1024).optional(),
  });

export const notificationChannelSchema = () =>
  z.discriminatedUnion('kind', [emailChannelSchema(), ntfyChannelSchema(), webhookChannelSchema()]);
export type NotificationChannelConfig = z.infer<ReturnType<typeof notificationChannelSchema>>;
export type EmailChannelConfig = z.infer<ReturnType<typeof emailChannelSchema>>;
export type NtfyChannelConfig = z.infer<ReturnType<typeof ntfyChannelSchema>>;
export type WebhookChannelConfig = z.infer<ReturnType<typeof webhookChannelSchema>>;

const quietHoursSchema = () =>
  z
    .strictObject({
      /** Start of the window (local time); may be later than `end` (a window across midnight). */
      start: hhmm(),
      end: hhmm(),
      /** IANA zone, e.g. Europe/Paris; default: the host's local time. */
      timeZone: z.string().optional(),
    })
    .check((ctx) => {
      const { start, end, timeZone } = ctx.value;
      if (start === end) {
        ctx.issues.push({
          code: 'custom',
          path: ['end'],
          message: 'must differ from start',
          input: end,
        });
      }
      if (timeZone !== undefined && !isTimeZone(timeZone)) {
        ctx.issues.push({
          code: 'custom',
          path: ['timeZone'],
          message: 'unknown time zone (an IANA name such as Europe/Paris)',
          input: timeZone,
        });
      }
    });
export type QuietHoursConfig = z.infer<ReturnType<typeof quietHoursSchema>>;

/** Notifications sent by the service itself (issue 12): none without channels. */
export const notificationsConfigSchema = () =>
  z
    .strictObject({
      channels: z.array(notificationChannelSchema()).max(16).default([]),
      /** While a critical alarm stays active and unacknowledged, send it again this often; 0 = never (s). */
      repeatCriticalS: z.number().int().min(0).max(86_400).default(900),
      /** After `afterRepeats` unanswered repeats, repeats also go to `channels`. */
      escalation: z
        .strictObject({
          afterRepeats: z.number().int().min(0).max(100).default(2),
          channels: z.array(channelNameSchema()).min(1),
        })
        .optional(),
      /** Non-critical notifications are not sent in this window; critical ones always are. */
      quietHours: quietHoursSchema().optional(),
      /** One request (SMTP session, HTTP POST) may take this long before it counts as failed (s). */
      timeoutS: z.number().min(1).max(300).default(20),
      /** Retry delays after a failure: from `initialS`, doubling, at most `maxS` (s). */
      retry: z
        .strictObject({
          initialS: z.number().min(0.1).max(3600).default(5),
          maxS: z.number().min(1).max(86_400).default(300),
        })
        .prefault({})
        .check((ctx) => {
          if (ctx.value.maxS < ctx.value.initialS) {
            ctx.issues.push({
              code: 'custom',
              path: ['maxS'],
              message: 'must be >= initialS',
              input: ctx.value.maxS,
            });
          }
        }),
      /** Reachability check of idle email and ntfy channels, so a dead server shows before an alarm; 0 = off (s). */
      probeIntervalS: z.number().int().min(0).max(86_400).default(600),
      /** Bound of each channel's on-disk outbox; beyond it the oldest are dropped (and counted). */
      outbox: z.strictObject({ maxMb: z.number().min(0.01).max(1024).default(4) }).prefault({}),
    })
    .check((ctx) => {
      const names = new Map<string, number>();
      ctx.value.channels.forEach((channel, i) => {
        const same = names.get(channel.name);
        if (same !== undefined) {
          ctx.issues.push({
            code: 'custom',
            path: ['channels', i, 'name'],
            message: `duplicate of channels[${same}]`,
            input: channel.name,
          });
        }
        names.set(channel.name, i);
      });
      ctx.value.escalation?.channels.forEach((name, i) => {
        if (!names.has(name)) {
          ctx.issues.push({
            code: 'custom',
            path: ['escalation', 'channels', i],
            message: `no channel named ${name}`,
            input: name,
          });
        }
      });
    })
    .prefault({});
export type NotificationsConfig = z.infer<ReturnType<typeof notificationsConfigSchema>>;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    // RangeError for a zone the runtime's ICU data does not know: reported as a config problem.
    return false;
  }
}
