/**
 * Notification channels against real receivers started here: an SMTP server (smtp-server) and
 * an HTTP receiver for ntfy and webhooks. Covers delivery, outages and recovery (in order,
 * nothing lost, counted), a restart during an outage, permanent refusals and the outbox bound.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NotificationEvent } from '../../src/notifications/notification-event';
import { ChannelReports, NotificationChannel } from '../../src/notifications/notification-channel';
import type { NotificationMessage } from '../../src/notifications/notification-message';
import { notificationChannelSchema } from '../../src/notifications/notifications-config.schema';
import { createSender } from '../../src/notifications/senders/create-sender';
import { eventually } from '../support/test-app';
import { HttpReceiver, SmtpReceiver } from './support/receivers';

const CREDENTIALS = { username: 'cryopilot', password: 'smtp-password-for-tests' };

/** What a channel reported, for assertions. */
class Reports {
  readonly links: { state: string; detail: string }[] = [];
  readonly sent: NotificationMessage[] = [];
  readonly failed: { message: NotificationMessage; reason: string; willRetry: boolean }[] = [];
  readonly errors: string[] = [];
  lost = 0;

  get last(): { state: string; detail: string } {
    return this.links[this.links.length - 1];
  }

  hooks(): ChannelReports {
    return {
      link: (state, detail) => this.links.push({ state, detail }),
      sent: (message) => this.sent.push(message),
      failed: (message, reason, willRetry) => this.failed.push({ message, reason, willRetry }),
      lost: (count) => (this.lost += count),
      error: (message) => this.errors.push(message),
    };
  }
}

/** Waits (real time) until `condition` holds. */
const until = (condition: () => boolean, timeoutMs?: number) =>
  eventually(() => Promise.resolve(condition()), timeoutMs);

const dirs: string[] = [];
const opened: NotificationChannel[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function openChannel(
  raw: Record<string, unknown>,
  options: { dir?: string; maxBytes?: number; probeIntervalMs?: number } = {},
) {
  const config = notificationChannelSchema().parse(raw);
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'cryopilot-notify-'));
  if (!options.dir) dirs.push(dir);
  const reports = new Reports();
  const channel = new NotificationChannel(
    {
      name: config.name,
      deviceId: 'lab-dewar-1',
      dir,
      maxBytes: options.maxBytes ?? 1 << 20,
      backoff: { initialMs: 50, maxMs: 200, jitter: 'none' },
      probeIntervalMs: options.probeIntervalMs ?? 0,
    },
    createSender(config, 2000),
    reports.hooks(),
  );
  await channel.open();
  opened.push(channel);
  return { channel, reports, dir };
}

let tick = 0;
function alarmEvent(n: number, severity: 'critical' | 'warning' = 'warning'): NotificationEvent {
  tick += 1;
  return {
    kind: 'raised',
    alarm: { id: `alarm_${n}`, severity, message: `Alarm number ${n}`, state: 'active-unacked' },
    ts: new Date(Date.UTC(2026, 0, 1) + tick).toISOString(),
  };
}

describe('email over SMTP (smtp-server)', () => {
  let smtp: SmtpReceiver;
  beforeEach(async () => {
    smtp = await SmtpReceiver.start(CREDENTIALS);
  });
  afterEach(() => smtp.down());

  const emailChannel = () => ({
    name: 'ops_mail',
    kind: 'email',
    host: '127.0.0.1',
    port: smtp.port,
    username: CREDENTIALS.username,
    password: CREDENTIALS.password,
    from: 'cryopilot@lab.example.org',
    to: ['ops@lab.example.org', 'oncall@lab.example.org'],
  });

  it('delivers an alarm as a mail, logged in, with a stable Message-ID', async () => {
    const { channel, reports } = await openChannel(emailChannel());
    channel.enqueue(alarmEvent(1, 'critical'));
    await until(() => smtp.mails.length === 1);
    const [mail] = smtp.mails;
    expect(mail).toMatchObject({
      from: 'cryopilot@lab.example.org',
      to: ['ops@lab.example.org', 'oncall@lab.example.org'],
      user: 'cryopilot',
      subject: '[lab-dewar-1] CRITICAL ALARM: Alarm number 1',
    });
    // The server has the mail before the sender hears the end of the SMTP transaction.
    await until(() => reports.sent.length === 1);
    expect(mail.raw).toContain(`Message-ID: <${reports.sent[0].id}@lab-dewar-1.cryopilot>`);
    await until(() => reports.last?.state === 'connected');
    expect(channel.stats()).toMatchObject({ sent: 1, outbox: { pending: 0 } });
  });

  it('an SMTP outage: link down, mails kept in order on disk, all delivered after it', async () => {
    await smtp.down();
    const { channel, reports } = await openChannel(emailChannel(), { probeIntervalMs: 60_000 });
    // The reachability check finds the dead server before any alarm needs it.
    await until(() => reports.last?.state === 'disconnected');
    for (let n = 1; n <= 5; n++) channel.enqueue(alarmEvent(n));
    await until(() => reports.failed.length === 1 && channel.stats().failedAttempts >= 3);
    expect(reports.failed[0]).toMatchObject({ willRetry: true });
    expect(reports.last.state).toBe('disconnected');
    expect(reports.last.detail).toMatch(/5 queued/);
    await smtp.up();
    await until(() => smtp.mails.length === 5);
    // The server has the last mail before the sender has its answer and commits it.
    await until(() => channel.stats().sent === 5);
    expect(smtp.mails.map((m) => m.subject)).toEqual(
      [1, 2, 3, 4, 5].map((n) => `[lab-dewar-1] WARNING ALARM: Alarm number ${n}`),
    );
    await until(() => reports.last?.state === 'connected');
    expect(channel.stats()).toMatchObject({ sent: 5, outbox: { pending: 0, dropped: 0 } });
    // Reported once per notification that failed (the head), not once per retry.
    expect(reports.failed).toHaveLength(1);
  });

  it('wrong credentials keep the mail queued (a person fixes them) and say why', async () => {
    const { channel, reports } = await openChannel({ ...emailChannel(), password: 'wrong' });
    channel.enqueue(alarmEvent(1));
    await until(() => reports.failed.length === 1);
    expect(reports.failed[0].willRetry).toBe(true);
    expect(reports.failed[0].reason).toMatch(/Invalid login|invalid credentials|535/i);
    expect(channel.stats().outbox.pending).toBe(1);
    expect(smtp.mails).toHaveLength(0);
  });
});

describe('ntfy and webhook over HTTP (node:http receiver)', () => {
  let http: HttpReceiver;
  beforeEach(async () => {
    http = await HttpReceiver.start();
  });
  afterEach(() => http.down());

  it('ntfy: body, title (RFC 2047 when not ASCII), priority, tags and bearer token', async () => {
    const { channel } = await openChannel({
      name: 'phone',
      kind: 'ntfy',
      url: http.url('/dewar-alarms'),
      token: 'tk_secret',
    });
    const event = alarmEvent(1, 'critical');
    channel.enqueue({ ...event, alarm: { ...event.alarm!, message: 'O₂ dangerously low' } });
    await until(() => http.accepted.length === 1);
    const [request] = http.accepted;
    expect(request.path).toBe('/dewar-alarms');
    expect(request.headers).toMatchObject({
      priority: '5',
      tags: 'rotating_light',
      authorization: 'Bearer tk_secret',
    });
    const title = String(request.headers.title);
    expect(title).toMatch(/^=\?UTF-8\?B\?/);
    const decoded = Buffer.from(title.slice(10, -2), 'base64').toString('utf8');
    expect(decoded).toBe('[lab-dewar-1] CRITICAL ALARM: O₂ dangerously low');
    expect(request.body).toContain('O₂ dangerously low (alarm_1, critical)');
  });

  it('webhook: JSON body signed with HMAC-SHA256, delivery id, bearer token', async () => {
    const secret = 'a-long-enough-hmac-secret';
    const { channel, reports } = await openChannel({
      name: 'hook',
      kind: 'webhook',
      url: http.url('/hook'),
      token: 'bearer-token',
      hmacSecret: secret,
    });
    channel.enqueue(alarmEvent(7));
    await until(() => http.accepted.length === 1);
    const [request] = http.accepted;
    const expected = createHmac('sha256', secret).update(request.body).digest('hex');
    expect(request.headers['x-cryopilot-signature']).toBe(`sha256=${expected}`);
    expect(request.headers.authorization).toBe('Bearer bearer-token');
    const body = JSON.parse(request.body);
    expect(body).toMatchObject({
      id: reports.sent[0].id,
      device: 'lab-dewar-1',
      kind: 'raised',
      priority: 'warning',
      alarm: { id: 'alarm_7', severity: 'warning', state: 'active-unacked' },
    });
    expect(request.headers['x-cryopilot-delivery']).toBe(body.id);
  });

  it('a webhook outage (503, then connection refused): delivered after, in order, counted', async () => {
    const { channel, reports } = await openChannel({
      name: 'hook',
      kind: 'webhook',
      url: http.url('/hook'),
    });
    http.status = 503;
    for (let n = 1; n <= 3; n++) channel.enqueue(alarmEvent(n));
    await until(() => http.refused.length >= 2);
    await http.down();
    for (let n = 4; n <= 6; n++) channel.enqueue(alarmEvent(n));
    await until(() => /ECONNREFUSED/.test(reports.last?.detail ?? ''));
    expect(reports.last.state).toBe('disconnected');
    http.status = 200;
    await http.up();
    await until(() => http.accepted.length === 6);
    // The receiver has the last request before the sender has its answer and commits it.
    await until(() => channel.stats().sent === 6);
    expect(http.accepted.map((r) => JSON.parse(r.body).alarm.id)).toEqual(
      [1, 2, 3, 4, 5, 6].map((n) => `alarm_${n}`),
    );
    expect(channel.stats()).toMatchObject({ sent: 6, refused: 0, outbox: { pending: 0 } });
    await until(() => reports.last?.state === 'connected');
    expect(reports.last.detail).toMatch(/6 sent, 0 queued/);
  });

  it('what is queued during an outage survives a restart of the service', async () => {
    await http.down();
    const first = await openChannel({ name: 'hook', kind: 'webhook', url: http.url('/hook') });
    for (let n = 1; n <= 3; n++) first.channel.enqueue(alarmEvent(n));
    await until(() => first.reports.failed.length === 1);
    await first.channel.close();
    opened.splice(opened.indexOf(first.channel), 1);
    await http.up();
    const second = await openChannel(
      { name: 'hook', kind: 'webhook', url: http.url('/hook') },
      { dir: first.dir },
    );
    await until(() => http.accepted.length === 3);
    expect(http.accepted.map((r) => JSON.parse(r.body).alarm.id)).toEqual([
      'alarm_1',
      'alarm_2',
      'alarm_3',
    ]);
    // The receiver has the last request before the sender has its answer and reports it.
    await until(() => second.reports.sent.length === 3);
    expect(second.reports.sent).toHaveLength(3);
  });

  it('a permanent refusal (400) drops that notification, says so, and the next one goes', async () => {
    const { channel, reports } = await openChannel({
      name: 'hook',
      kind: 'webhook',
      url: http.url('/hook'),
    });
    http.status = 400;
    channel.enqueue(alarmEvent(1));
    await until(() => reports.failed.length === 1);
    expect(reports.failed[0]).toMatchObject({ willRetry: false });
    expect(reports.failed[0].reason).toMatch(/HTTP 400/);
    http.status = 200;
    channel.enqueue(alarmEvent(2));
    await until(() => http.accepted.length === 1);
    expect(JSON.parse(http.accepted[0].body).alarm.id).toBe('alarm_2');
    // The receiver has the request before the sender has its answer and commits it.
    await until(() => channel.stats().sent === 1);
    expect(channel.stats()).toMatchObject({ sent: 1, refused: 1, outbox: { pending: 0 } });
  });

  it('the outbox bound drops the oldest during a long outage, counted; the newest get through', async () => {
    await http.down();
    const { channel, reports } = await openChannel(
      { name: 'hook', kind: 'webhook', url: http.url('/hook') },
      { maxBytes: 4096 },
    );
    for (let n = 1; n <= 60; n++) channel.enqueue(alarmEvent(n));
    expect(reports.lost).toBeGreaterThan(0);
    const { dropped, pending } = channel.stats().outbox;
    expect(dropped).toBe(reports.lost);
    expect(pending + dropped).toBe(60);
    await http.up();
    await until(() => channel.stats().outbox.pending === 0, 20_000);
    const ids = http.accepted.map((r) => Number(JSON.parse(r.body).alarm.id.slice(6)));
    // The oldest were dropped; the newest `pending` all arrive, in order. The head being
    // retried when its segment was dropped may have gone out once more (at-least-once).
    const newest = Array.from({ length: pending }, (_, i) => 61 - pending + i);
    expect(ids.filter((id) => id > 60 - pending)).toEqual(newest);
    expect(ids.length - newest.length).toBeLessThanOrEqual(1);
  });
});
