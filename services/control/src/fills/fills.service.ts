import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { FillEvent, FillRecord } from '@cryopilot/protocol';
import { join } from 'node:path';
import { Clock } from '../clock/clock';
import { LOGISTICS_CONFIG, LogisticsConfig } from '../config/config.slices';
import { ControlView } from '../control/control.facades';
import { describeError } from '../persistence/fs-errors';
import { FillHistory, FillHistoryStats } from './fill-history';

/** At most one log line per this long about failing writes (a full disk would repeat it). */
const WRITE_ERROR_LOG_MS = 60_000;

/**
 * The fill history: every fill the valve makes (from the control steps' fill events), kept in
 * `<dataDir>/fills.jsonl` within `logistics.maxFills`, served by `GET /api/fills`. Writing it
 * happens after the step, off the control path; a failing disk keeps the fill in memory, counts
 * it and logs, control never notices.
 */
@Injectable()
export class FillsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(FillsService.name);
  private history: FillHistory | null = null;
  private stopTicks: (() => void) | null = null;
  private lastWriteErrorLogMs = -Infinity;

  constructor(
    @Inject(LOGISTICS_CONFIG.token) private readonly config: LogisticsConfig,
    private readonly clock: Clock,
    private readonly control: ControlView,
  ) {}

  async onModuleInit(): Promise<void> {
    const path = join(this.config.dataDir, 'fills.jsonl');
    const now = new Date(this.clock.wallMs()).toISOString();
    try {
      this.history = await FillHistory.open(path, this.config.logistics.maxFills, now);
      const { fills, skippedLines } = this.history.stats();
      const restarted = this.history.recent(1)[0];
      if (restarted?.endedBy === 'restart' && restarted.end === now) {
        this.logger.warn(`the fill started ${restarted.start} was open when the service stopped`);
      }
      if (skippedLines > 0) this.logger.warn(`${skippedLines} bad line(s) skipped in ${path}`);
      this.logger.log(`${fills} fill(s) on record`);
    } catch (error) {
      // Unreadable file (permissions): fills are still tracked, in memory only.
      this.logger.error(`fill history unreadable (${describeError(error)}): kept in memory only`);
      this.history = FillHistory.inMemory(this.config.logistics.maxFills);
    }
    this.stopTicks = this.control.onTick('fills', (outcome) => {
      for (const event of outcome.fillEvents) void this.record(event);
    });
  }

  onModuleDestroy(): void {
    this.stopTicks?.();
    this.stopTicks = null;
  }

  /** Newest first; the fill in progress, if any, first with `end: null`. */
  recent(limit: number): FillRecord[] {
    return this.history?.recent(limit) ?? [];
  }

  stats(): FillHistoryStats | null {
    return this.history?.stats() ?? null;
  }

  private async record(event: FillEvent): Promise<void> {
    const history = this.history;
    if (!history) return;
    const written = await history.record(event);
    if (event.event === 'ended') {
      const f = event.fill;
      this.logger.log(
        `fill ${f.start} → ${f.end}: ${f.levelFromPct ?? '?'} → ${f.levelToPct ?? '?'} % ` +
          `in ${f.durationS} s, ${f.mode}${f.user ? ` (${f.user})` : ''}, ended by ${f.endedBy}`,
      );
    }
    const now = this.clock.wallMs();
    if (!written && now - this.lastWriteErrorLogMs >= WRITE_ERROR_LOG_MS) {
      this.lastWriteErrorLogMs = now;
      this.logger.error(
        `fill history: ${history.stats().writeFailures} record(s) not written to disk ` +
          '(kept in memory until the next restart)',
      );
    }
  }
}
