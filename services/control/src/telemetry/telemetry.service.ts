import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { AuditRecord, Links } from '@cryopilot/protocol';
import { join } from 'node:path';
import type { Subscription } from 'rxjs';
import { AuditTrail } from '../audit/audit-trail';
import { TELEMETRY_CONFIG, TelemetryConfig } from '../config/config.slices';
import { ControlView } from '../control/control.facades';
import type { TickOutcome } from '../control/control-runtime';
import { MegaindCard } from '../hardware/megaind/megaind-card';
import { LinkRegistry } from '../links/link-registry';
import { DiskOutbox } from '../delivery/disk-outbox';
import { MemoryFirstOutbox, MemoryFirstStats } from '../delivery/memory-first-outbox';
import { InfluxLineSink } from './influx-line-sink';
import { TokenFile } from './token-file';
import { auditLine, DiagnosticsSample, linkLine } from './telemetry-points';
import { TelemetryPump, TelemetryPumpStats } from './telemetry-pump';
import { TelemetryRecorder } from './telemetry-recorder';
import {
  OutboxOverflowAlarm,
  TELEMETRY_OVERFLOW_ALARM_ID,
} from '../delivery/outbox-overflow-alarm';

/** How long a graceful shutdown keeps delivering what is pending before it leaves it on disk. */
const SHUTDOWN_GRACE_MS = 2000;
const VALVE_REPEAT_MS = 60_000;

/** Counters for `/api/diagnostics` and tests; null when telemetry is disabled. */
export interface TelemetryStats {
  readonly outbox: MemoryFirstStats;
  readonly pump: TelemetryPumpStats;
  /** Lines that could not even be appended to the outbox (disk full, I/O error). */
  readonly appendFailures: number;
}

/**
 * Writes the InfluxDB schema of docs/interfaces.md: channels every sample, valve and alarm
 * transitions, audit records, diagnostics. Every line goes to an outbox — synchronous, no
 * await on the control loop's path — and a pump delivers it to InfluxDB. The outbox holds
 * lines in memory while they are delivered within `telemetry.holdInMemoryMs` and writes them to
 * a bounded disk outbox (`<dataDir>/outbox/telemetry`) only when they are not: no SD-card
 * writes with the link up; a crash then loses at most that long of telemetry. An outage of any
 * length, and a restart during it, lose nothing until the bound; beyond it the oldest lines
 * are dropped, counted, logged and alarmed (`telemetry_outbox_overflow`).
 *
 * Disabled without `telemetry.url` (no outbox either): `/api/health` shows `disabled`.
 */
@Injectable()
export class TelemetryService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(TelemetryService.name);
  private outbox: MemoryFirstOutbox<string> | null = null;
  private pump: TelemetryPump | null = null;
  private sink: InfluxLineSink | null = null;
  private readonly subscriptions: Subscription[] = [];
  private stopTicks: (() => void) | null = null;
  private readonly overflow = new OutboxOverflowAlarm(
    TELEMETRY_OVERFLOW_ALARM_ID,
    'telemetry outbox',
    (id, active) => this.control.reportCondition(id, active),
    this.logger,
  );
  private appendFailures = 0;
  private readonly lastLinkStates = new Map<string, string>();
  private lastAppendErrorLogMs = 0;

  constructor(
    @Inject(TELEMETRY_CONFIG.token) private readonly config: TelemetryConfig,
    private readonly links: LinkRegistry,
    private readonly audit: AuditTrail,
    private readonly card: MegaindCard,
    private readonly control: ControlView,
  ) {}

  async onModuleInit(): Promise<void> {
    const t = this.config.telemetry;
    if (!t.url) {
      this.links.set('telemetry', 'disabled', 'not configured (set INFLUX_URL)');
      this.logger.log('telemetry disabled: no InfluxDB URL configured');
      return;
    }
    this.links.set('telemetry', 'connecting', t.url);
    const disk = new DiskOutbox<string>(
      { dir: join(this.config.dataDir, 'outbox', 'telemetry'), maxBytes: t.outbox.maxMb * 2 ** 20 },
      this.logger,
    );
    await disk.open();
    const outbox = new MemoryFirstOutbox(
      disk,
      { holdMs: t.holdInMemoryMs, maxHeld: t.batchSize },
      (error) => this.appendFailed(error),
    );
    outbox.onDrop((count) => this.onDropped(count));
    outbox.start();
    this.outbox = outbox;
    this.sink = new InfluxLineSink({
      url: t.url,
      token: t.token,
      ...(t.tokenFile ? { tokenFile: new TokenFile(t.tokenFile, t.token) } : {}),
      org: t.org,
      bucket: t.bucket,
      maxLines: t.batchSize,
    });
    this.pump = new TelemetryPump(
      outbox,
      this.sink,
      {
        batchSize: t.batchSize,
        flushIntervalMs: t.flushIntervalMs,
        replayPerSecond: t.outbox.replayPerSecond,
      },
      (link) =>
        link.state === 'connected'
          ? this.links.set('telemetry', 'connected', t.url)
          : this.links.set('telemetry', 'disconnected', link.detail),
      this.logger,
    );
    const { control } = this;
    const recorder = new TelemetryRecorder({
      device: this.config.deviceId,
      valveRepeatMs: VALVE_REPEAT_MS,
      diagnosticsPeriodMs: t.diagnosticsPeriodS * 1000,
    });
    this.stopTicks = control.onTick('telemetry', (outcome) => this.onTick(recorder, outcome));
    this.subscriptions.push(
      this.audit.appended$.subscribe((record) => this.onAudit(record)),
      this.links.changes$.subscribe((links) => this.onLinks(links)),
    );
    this.onLinks(this.links.snapshot());
    const pending = outbox.stats().pending;
    if (pending > 0)
      this.logger.log(`${pending} telemetry line(s) from before the restart to deliver`);
    this.pump.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopTicks?.();
    this.stopTicks = null;
    for (const s of this.subscriptions) s.unsubscribe();
    this.subscriptions.length = 0;
    await this.pump?.stop(SHUTDOWN_GRACE_MS);
    this.sink?.close();
    await this.outbox?.close();
    this.outbox = null;
  }

  /** Null when telemetry is disabled. */
  stats(): TelemetryStats | null {
    if (!this.outbox || !this.pump) return null;
    return {
      outbox: this.outbox.stats(),
      pump: this.pump.stats(),
      appendFailures: this.appendFailures,
    };
  }

  /** Runs inside the control loop's tick notification: appends only, never awaits, never throws. */
  private onTick(recorder: TelemetryRecorder, outcome: TickOutcome): void {
    try {
      this.append(recorder.linesFor(outcome, () => this.diagnostics()));
      this.updateOverflowAlarm();
    } catch (error) {
      // A bug in building lines must not reach RxJS (which would rethrow it as an uncaught
      // exception and stop the service): count and log it, control goes on.
      this.appendFailed(error);
    }
  }

  private onAudit(record: AuditRecord): void {
    try {
      this.append([auditLine(this.config.deviceId, record)]);
    } catch (error) {
      // Same as onTick: reporting never breaks the command path.
      this.appendFailed(error);
    }
  }

  /** One `link` point per link whose state changed (the registry publishes all of them). */
  private onLinks(links: Links): void {
    try {
      const lines: string[] = [];
      for (const [name, link] of Object.entries(links)) {
        if (this.lastLinkStates.get(name) === link.state) continue;
        this.lastLinkStates.set(name, link.state);
        lines.push(linkLine(this.config.deviceId, name, link.state, Date.parse(link.since)));
      }
      this.append(lines);
    } catch (error) {
      // Same as onTick: reporting never breaks the caller (whoever changed a link state).
      this.appendFailed(error);
    }
  }

  private append(lines: readonly string[]): void {
    const outbox = this.outbox;
    if (!outbox) return;
    for (const line of lines) {
      try {
        outbox.append(line);
      } catch (error) {
        // Disk full or I/O error on the data volume: the line is lost, but counted and logged
        // (rate-limited); control must not notice.
        this.appendFailed(error);
      }
    }
  }

  private appendFailed(error: unknown): void {
    this.appendFailures += 1;
    const now = Date.now();
    if (now - this.lastAppendErrorLogMs < 60_000) return;
    this.lastAppendErrorLogMs = now;
    this.logger.error(
      `telemetry line lost (${this.appendFailures} so far): ${error instanceof Error ? error.message : String(error)}`,
    );
  }

  /** The outbox itself logs each drop (oldest first, with the running total) through our logger. */
  private onDropped(count: number): void {
    this.overflow.dropped(count);
    // The alarm condition is applied by the next tick (the loop may not even run yet).
  }

  /** Raised at a drop; clears once the backlog has been delivered. Tick path only. */
  private updateOverflowAlarm(): void {
    if (!this.outbox) return;
    const caughtUp =
      this.links.snapshot().telemetry.state === 'connected' &&
      this.outbox.stats().pending < this.config.telemetry.batchSize;
    this.overflow.update(caughtUp, this.outbox.stats().dropped);
  }

  private diagnostics(): DiagnosticsSample {
    const d = this.control.health().diagnostics;
    const bus = this.card.stats();
    return {
      cpuTempC: d?.cpuTempC ?? null,
      supplyV: d?.supplyV ?? null,
      pi5vV: d?.pi5vV ?? null,
      // Every bus error seen: retried ones and final failures.
      i2cErrors: bus.retries + bus.failures,
    };
  }
}
