import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { AuditRecord } from '@cryopilot/protocol';
import { join } from 'node:path';
import { AuditTrail } from '../audit/audit-trail';
import { Clock } from '../clock/clock';
import { NOTIFICATIONS_CONFIG, NotificationsSliceConfig } from '../config/config.slices';
import { ControlView } from '../control/control.facades';
import type { TickOutcome } from '../control/control-runtime';
import {
  NOTIFICATION_OVERFLOW_ALARM_ID,
  OutboxOverflowAlarm,
} from '../delivery/outbox-overflow-alarm';
import { LinkRegistry } from '../links/link-registry';
import {
  lostAuditRecord,
  NotificationOutcome,
  notificationAuditRecord,
} from './notification-audit';
import { ChannelStats, NotificationChannel } from './notification-channel';
import type { NotificationMessage } from './notification-message';
import { NotificationPlanner } from './notification-planner';
import { NotificationTests, TestNotificationOutcome } from './notification-tests';
import type { NotificationChannelConfig } from './notifications-config.schema';
import { quietHoursCheck } from './quiet-hours';
import { createSender } from './senders/create-sender';

/**
 * The alarm book is looked at after every tick with a transition, and at least this often
 * (monotonic ms) otherwise: acknowledgements happen between ticks and appear in no tick event,
 * and reminders fall due without one.
 */
const VIEW_EVERY_MS = 1000;
/** A failing audit write is logged at most this often (a full disk fails them all). */
const AUDIT_ERROR_LOG_MS = 60_000;

/**
 * Notifications from the service itself (email, ntfy, webhook), for installations without
 * Grafana. It follows the control loop's ticks through the isolated listeners (a failure here
 * is logged and never reaches control), lets the pure planner decide what goes where, and
 * queues each notification in its channel's disk outbox; the channels deliver on their own
 * timers. Each channel is a link on the diagnostics (`notify:<name>`); each notification
 * sent or failed is an audit line; notifications lost at an outbox bound raise
 * `notification_outbox_overflow`. Disabled (nothing opened) without channels.
 */
@Injectable()
export class NotificationsService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(NotificationsService.name);
  private readonly channels = new Map<string, NotificationChannel>();
  private planner: NotificationPlanner | null = null;
  private stopTicks: (() => void) | null = null;
  private lastViewMono = -Infinity;
  private lastAuditErrorMs = -Infinity;
  private readonly overflow = new OutboxOverflowAlarm(
    NOTIFICATION_OVERFLOW_ALARM_ID,
    'notification outbox',
    (id, active) => this.control.reportCondition(id, active),
    this.logger,
  );

  constructor(
    @Inject(NOTIFICATIONS_CONFIG.token) private readonly config: NotificationsSliceConfig,
    private readonly control: ControlView,
    private readonly links: LinkRegistry,
    private readonly audit: AuditTrail,
    private readonly clock: Clock,
    private readonly tests: NotificationTests,
  ) {}

  async onModuleInit(): Promise<void> {
    const n = this.config.notifications;
    if (n.channels.length === 0) {
      this.logger.log('notifications disabled: no channel configured');
      return;
    }
    for (const channel of n.channels) await this.openChannel(channel);
    this.planner = new NotificationPlanner({
      routing: {
        channels: n.channels,
        escalationChannels: n.escalation?.channels ?? [],
      },
      repeat: {
        everyMs: n.repeatCriticalS * 1000,
        escalateAfter: n.escalation ? n.escalation.afterRepeats : null,
      },
      isQuiet: quietHoursCheck(n.quietHours),
    });
    // The book before the first tick, latches restored: announced by the run that raised them.
    this.planner.start(this.control.alarms(), this.clock.now());
    this.stopTicks = this.control.onTick('notifications', (outcome) => this.onTick(outcome));
    this.tests.attach((channel, user) => this.sendTest(channel, user));
    this.logger.log(`notifications on: ${[...this.channels.keys()].join(', ')}`);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopTicks?.();
    this.stopTicks = null;
    await Promise.all([...this.channels.values()].map((c) => c.close()));
    this.channels.clear();
  }

  /** The `notifications.test` command (through `NotificationTests`). */
  sendTest(channel: string | undefined, user: string): TestNotificationOutcome {
    if (this.channels.size === 0) {
      return { ok: false, code: 'refused', message: 'no notification channel could be opened' };
    }
    const targets =
      channel === undefined ? [...this.channels.values()] : [this.channels.get(channel)];
    if (targets.some((c) => c === undefined)) {
      return {
        ok: false,
        code: 'invalid_args',
        message: `no notification channel named ${channel}`,
      };
    }
    const ts = new Date(this.clock.wallMs()).toISOString();
    for (const c of targets) c!.enqueue({ kind: 'test', alarm: null, ts, by: user });
    return { ok: true, queued: targets.map((c) => c!.name) };
  }

  /** Per channel: sent, refused, failed attempts and the outbox figures (tests, diagnostics). */
  stats(): Record<string, ChannelStats> {
    return Object.fromEntries([...this.channels].map(([name, c]) => [name, c.stats()]));
  }

  /** A tick: look at the book when something may have changed; queue what the planner says. */
  private onTick(outcome: TickOutcome): void {
    const planner = this.planner;
    if (!planner) return;
    const mono = this.clock.monoMs();
    if (outcome.alarmEvents.length > 0 || mono - this.lastViewMono >= VIEW_EVERY_MS) {
      this.lastViewMono = mono;
      const deliveries = planner.next(this.control.alarms(), { mono, wall: outcome.wallMs });
      for (const d of deliveries) this.channels.get(d.channel)?.enqueue(d.event);
    }
    this.updateOverflowAlarm();
  }

  private async openChannel(config: NotificationChannelConfig): Promise<void> {
    const n = this.config.notifications;
    const linkName = `notify:${config.name}`;
    const channel = new NotificationChannel(
      {
        name: config.name,
        deviceId: this.config.deviceId,
        dir: join(this.config.dataDir, 'outbox', `notify-${config.name}`),
        maxBytes: Math.max(4096, Math.round(n.outbox.maxMb * 2 ** 20)),
        backoff: { initialMs: n.retry.initialS * 1000, maxMs: n.retry.maxS * 1000 },
        probeIntervalMs: n.probeIntervalS * 1000,
      },
      createSender(config, n.timeoutS * 1000),
      {
        link: (state, detail) => this.links.setExtra(linkName, state, detail),
        sent: (message) => this.onDone(config.name, message, { ok: true }),
        failed: (message, reason, willRetry) =>
          this.onDone(config.name, message, { ok: false, reason, willRetry }),
        lost: (count) => this.onLost(config.name, count),
        error: (message) => this.logger.error(`notify ${config.name}: ${message}`),
      },
    );
    try {
      await channel.open();
      this.channels.set(config.name, channel);
    } catch (error) {
      // The outbox directory cannot be created or read (data disk full or read-only): this
      // channel stays off and says so; control and the other channels go on.
      const reason = error instanceof Error ? error.message : String(error);
      this.links.setExtra(linkName, 'disconnected', `not started: ${reason}`);
      this.logger.error(`notification channel ${config.name} not started: ${reason}`);
    }
  }

  private onDone(
    channel: string,
    message: NotificationMessage,
    outcome: NotificationOutcome,
  ): void {
    if (outcome.ok) this.logger.log(`notify ${channel}: sent "${message.title}"`);
    else {
      this.logger.warn(
        `notify ${channel}: "${message.title}" failed: ${outcome.reason}` +
          (outcome.willRetry ? ' (kept, retrying with backoff)' : ' (refused for good, dropped)'),
      );
    }
    this.writeAudit(notificationAuditRecord(channel, message, outcome, this.isoNow()));
  }

  /** The outbox itself logs each drop; here: the alarm, the audit line. */
  private onLost(channel: string, count: number): void {
    this.overflow.dropped(count);
    this.writeAudit(lostAuditRecord(channel, count, this.isoNow()));
  }

  /** Raised at a loss; clears once every channel has delivered its backlog. Tick path only. */
  private updateOverflowAlarm(): void {
    let pending = 0;
    let lost = 0;
    for (const c of this.channels.values()) {
      const { outbox } = c.stats();
      pending += outbox.pending;
      lost += outbox.dropped + outbox.writeFailed;
    }
    this.overflow.update(pending === 0, lost);
  }

  private writeAudit(record: AuditRecord): void {
    this.audit.append(record).catch((error: unknown) => {
      // A full or failing data disk: the notification itself is unaffected; say it, rarely.
      const now = Date.now();
      if (now - this.lastAuditErrorMs < AUDIT_ERROR_LOG_MS) return;
      this.lastAuditErrorMs = now;
      this.logger.error(`notification audit line not written: ${String(error)}`);
    });
  }

  private isoNow(): string {
    return new Date(this.clock.wallMs()).toISOString();
  }
}
