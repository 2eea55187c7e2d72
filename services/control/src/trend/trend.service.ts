import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Trend } from '@cryopilot/protocol';
import { WEB_CONFIG, WebConfig } from '../config/config.slices';
import { ControlView } from '../control/control.facades';
import { TrendBuffer } from './trend-buffer';

/** Most points a trend query returns: plenty for a phone or laptop chart. */
export const TREND_MAX_POINTS = 1200;

/** Keeps the recent history of every sample for charts (`/api/trend`, WebSocket snapshot). */
@Injectable()
export class TrendService implements OnModuleInit, OnModuleDestroy {
  private readonly buffer: TrendBuffer;
  private stopTicks: (() => void) | null = null;

  constructor(
    @Inject(WEB_CONFIG.token) config: WebConfig,
    private readonly control: ControlView,
  ) {
    const samples = Math.ceil((config.trend.retainMinutes * 60_000) / config.samplePeriodMs);
    this.buffer = new TrendBuffer(
      config.channels.map((c) => c.id),
      samples,
    );
  }

  onModuleInit(): void {
    this.stopTicks = this.control.onTick('trend', (outcome) => {
      const values: Record<string, number | null> = {};
      for (const reading of outcome.channels) values[reading.id] = reading.value;
      this.buffer.push({
        t: Date.parse(outcome.channels[0]?.ts ?? ''),
        values,
        valveOutput: outcome.valve.output,
      });
    });
  }

  onModuleDestroy(): void {
    this.stopTicks?.();
  }

  /** The last `minutes` of history, thinned to at most TREND_MAX_POINTS. */
  recent(minutes: number, nowMs: number): Trend {
    return this.buffer.query(nowMs - minutes * 60_000, nowMs, TREND_MAX_POINTS);
  }
}
