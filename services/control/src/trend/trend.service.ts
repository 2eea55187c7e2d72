import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Trend } from '@cryopilot/protocol';
import { join } from 'node:path';
import { Clock } from '../clock/clock';
import { WEB_CONFIG, WebConfig } from '../config/config.slices';
import { ControlView } from '../control/control.facades';
import type { TickOutcome } from '../control/control-runtime';
import { describeError } from '../persistence/fs-errors';
import { TrendAggregator, samplesOfPoint } from './store/trend-aggregator';
import { markersOf, toTrendEvent } from './store/trend-events';
import type { StoredEvent, TrendPoint } from './store/trend-point';
import { TrendStore, type TrendStoreStats } from './store/trend-store';
import { TrendHistory } from './trend-history';

/** Most points a trend query returns: plenty for a phone or laptop chart. */
export const TREND_MAX_POINTS = 1200;
/** Markers kept in memory at most (a flapping alarm must not grow it without bound). */
const MAX_EVENTS = 2000;
/** At most one log line per this long about failing writes (a full disk would repeat it). */
const WRITE_ERROR_LOG_MS = 60_000;

/**
 * Keeps the recent history of every sample for charts (`/api/trend`, WebSocket snapshot),
 * with markers for alarms raised and fills, and a thinned copy on the data volume
 * (`trend.jsonl`) that seeds the history after a restart. The tick listener only adds to
 * memory; writing happens on a timer, off the control path, and a failing disk is counted and
 * logged, never felt by control.
 */
@Injectable()
export class TrendService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(TrendService.name);
  private readonly history: TrendHistory;
  private readonly aggregator: TrendAggregator;
  private readonly settings: WebConfig['trend'];
  private events: StoredEvent[] = [];
  private store: TrendStore | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private stopTicks: (() => void) | null = null;
  private lastWriteErrorLogMs = -Infinity;

  constructor(
    @Inject(WEB_CONFIG.token) private readonly config: WebConfig,
    private readonly clock: Clock,
    private readonly control: ControlView,
  ) {
    this.settings = config.trend;
    const channelIds = config.channels.map((c) => c.id);
    const channels = config.channels.map((c) => ({ id: c.id, span: c.range.max - c.range.min }));
    this.history = new TrendHistory(channels, {
      periodMs: config.samplePeriodMs,
      retainMs: config.trend.retainMinutes * 60_000,
      maxPoints: TREND_MAX_POINTS,
    });
    this.aggregator = new TrendAggregator(channelIds, this.periodMs);
  }

  private get periodMs(): number {
    return this.settings.store.everySeconds * 1000;
  }

  async onModuleInit(): Promise<void> {
    if (this.settings.store.enabled) await this.openStore();
    this.stopTicks = this.control.onTick('trend', (outcome) => this.onTick(outcome));
    if (this.store) {
      this.flushTimer = setInterval(
        () => void this.flush(),
        this.settings.store.flushSeconds * 1000,
      );
      this.flushTimer.unref();
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopTicks?.();
    this.stopTicks = null;
    if (this.flushTimer) clearInterval(this.flushTimer);
    const store = this.store;
    this.store = null;
    if (!store) return;
    // The period in progress too: a planned restart loses nothing.
    const last = this.aggregator.take();
    if (last) store.add(last);
    await store.close(this.clock.wallMs());
  }

  /** The last `minutes` of history, thinned to at most TREND_MAX_POINTS, with its markers. */
  recent(minutes: number, nowMs: number): Trend {
    const fromMs = nowMs - minutes * 60_000;
    const trend = this.history.query(fromMs, nowMs);
    trend.events = this.events.filter((e) => e.t >= fromMs && e.t <= nowMs).map(toTrendEvent);
    return trend;
  }

  /** For diagnostics and tests; null when nothing is stored. */
  storeStats(): TrendStoreStats | null {
    return this.store?.stats() ?? null;
  }

  private onTick(outcome: TickOutcome): void {
    const values: Record<string, number | null> = {};
    for (const reading of outcome.channels) values[reading.id] = reading.value;
    const sample = {
      t: Date.parse(outcome.channels[0]?.ts ?? ''),
      values,
      valveOutput: outcome.valve.output,
    };
    this.history.push(sample);
    const point = this.aggregator.push(sample);
    if (point) this.store?.add(point);
    if (outcome.alarmEvents.length === 0 && outcome.fillEvents.length === 0) return;
    for (const marker of markersOf(outcome.alarmEvents, outcome.fillEvents)) {
      this.events.push(marker);
      this.store?.add(marker);
    }
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
  }

  private async openStore(): Promise<void> {
    const path = join(this.config.dataDir, 'trend.jsonl');
    const nowMs = this.clock.wallMs();
    try {
      const retainMs = this.settings.retainMinutes * 60_000;
      const { store, content } = await TrendStore.open(path, retainMs, this.periodMs, nowMs);
      this.store = store;
      this.seed(content.points);
      this.events = content.events.slice(-MAX_EVENTS);
      const { skippedLines } = store.stats();
      if (skippedLines > 0) this.logger.warn(`${skippedLines} bad line(s) skipped in ${path}`);
      this.logger.log(`${content.points.length} stored trend point(s) loaded`);
    } catch (error) {
      this.logger.error(`trend history unreadable (${describeError(error)}): not stored`);
    }
  }

  /** Seeds the history from the store, then a gap: the chart must not join across a stop. */
  private seed(points: readonly TrendPoint[]): void {
    for (const point of points) {
      for (const sample of samplesOfPoint(point, this.periodMs)) this.history.push(sample);
    }
    const last = points.at(-1);
    if (last) this.history.push({ t: last.t + 1, values: {}, valveOutput: 0 });
  }

  private async flush(): Promise<void> {
    const store = this.store;
    if (!store) return;
    const written = await store.flush(this.clock.wallMs());
    const now = this.clock.wallMs();
    if (!written && now - this.lastWriteErrorLogMs >= WRITE_ERROR_LOG_MS) {
      this.lastWriteErrorLogMs = now;
      const { writeFailures, pendingLines, droppedLines } = store.stats();
      // Past its bound the store gives up the oldest pending lines: said here, with the count.
      const dropped = droppedLines > 0 ? `, ${droppedLines} oldest line(s) dropped` : '';
      this.logger.error(
        `trend history: ${writeFailures} batch(es) not written, ${pendingLines} line(s) pending${dropped}`,
      );
    }
  }
}
