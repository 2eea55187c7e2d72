import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Consumption } from '@cryopilot/protocol';
import { join } from 'node:path';
import { Clock } from '../clock/clock';
import { LOGISTICS_CONFIG, LogisticsConfig } from '../config/config.slices';
import { ControlView } from '../control/control.facades';
import type { TickOutcome } from '../control/control-runtime';
import { describeError } from '../persistence/fs-errors';
import { JsonLinesFile } from '../persistence/json-lines-file';
import { consumptionFigures, entriesWithin, fillsPerDay, rateOver } from './consumption-estimate';
import { boiloffCondition, OpenFillView, SupplyWarning } from './early-warnings';
import { TimelineRecorder, TimelineStep } from './timeline-recorder';
import { FillEntry, fillSpeedPctPerMin, TimelineEntry, timelineEntrySchema } from './timeline';

export const BOILOFF_ALARM_ID = 'boiloff_high';
export const SUPPLY_ALARM_ID = 'supply_slow';

/** Idle stretches are cut into entries of at most this long (s)… */
const STRETCH_MAX_S = 3600;
/** …and shorter than this they are dropped (s). */
const STRETCH_MIN_S = 600;
/** Entries kept: two weeks of hourly stretches plus their fills, with room. */
const MAX_ENTRIES = 2000;
/** The rate needs at least this much idle data (h). */
const MIN_RATE_HOURS = 0.5;
/** Fills per day needs at least this much timeline (h). */
const MIN_FILLS_HOURS = 6;

/**
 * Consumption, forecasts and the two early warnings, from the level between fills and the
 * fills themselves. The timeline (a few entries per hour, `consumption.jsonl`) survives
 * restarts, so the boil-off baseline of days is not lost with the process. Warnings go to the
 * alarm book like every condition reported from outside the loop: ISA-18.2 states, never an
 * interlock. Figures are computed on request; nothing here runs on the control path beyond a
 * few additions per sample.
 */
@Injectable()
export class ConsumptionService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ConsumptionService.name);
  private readonly settings: LogisticsConfig['logistics'];
  private readonly recorder: TimelineRecorder;
  private readonly supply: SupplyWarning;
  private readonly levelChannelId: string;
  private entries: TimelineEntry[] = [];
  private file: JsonLinesFile<TimelineEntry> | null = null;
  private stopTicks: (() => void) | null = null;
  private openFill: { startMono: number; levelFromPct: number | null } | null = null;
  private lastLevel: number | null = null;
  private boiloffActive = false;
  private supplyActive = false;
  private writeFailures = 0;

  constructor(
    @Inject(LOGISTICS_CONFIG.token) config: LogisticsConfig,
    private readonly clock: Clock,
    private readonly control: ControlView,
  ) {
    this.settings = config.logistics;
    this.recorder = new TimelineRecorder({
      settleS: this.settings.settleS,
      stretchMaxS: STRETCH_MAX_S,
      stretchMinS: STRETCH_MIN_S,
    });
    this.supply = new SupplyWarning(this.settings.supply);
    this.levelChannelId = config.channels.find((c) => c.role === 'level')?.id ?? '';
    this.file = new JsonLinesFile(join(config.dataDir, 'consumption.jsonl'), (value) => {
      const parsed = timelineEntrySchema.safeParse(value);
      return parsed.success ? parsed.data : null;
    });
  }

  async onModuleInit(): Promise<void> {
    try {
      const { records, skipped } = await (this.file?.load() ?? { records: [], skipped: 0 });
      this.entries = records.slice(-MAX_ENTRIES);
      if (skipped > 0) this.logger.warn(`${skipped} bad line(s) skipped in consumption.jsonl`);
    } catch (error) {
      this.logger.error(`consumption history unreadable (${describeError(error)}): starting anew`);
      this.file = null;
    }
    // Warnings computed from the history come back after a restart, like the history itself.
    this.evaluate();
    this.stopTicks = this.control.onTick('consumption', (outcome) => this.onTick(outcome));
  }

  onModuleDestroy(): void {
    this.stopTicks?.();
    this.stopTicks = null;
  }

  /** `GET /api/consumption`. */
  figures(): Consumption {
    const s = this.settings;
    const rate = rateOver(entriesWithin(this.entries, s.rateWindowH * 3600), MIN_RATE_HOURS);
    const boiloff = boiloffCondition(this.entries, s.boiloff, this.boiloffActive);
    const lastFill = [...this.entries].reverse().find((e): e is FillEntry => e.kind === 'fill');
    return consumptionFigures({
      rate,
      fills: fillsPerDay(entriesWithin(this.entries, s.fillsWindowH * 3600), MIN_FILLS_HOURS),
      levelPct: this.lastLevel,
      fillStartPct: this.control.setpoints().fillStartPct,
      ...(s.dewarCapacityL !== undefined ? { dewarCapacityL: s.dewarCapacityL } : {}),
      recentPctPerH: boiloff.recent,
      baselinePctPerH: boiloff.baseline,
      usualFillPctPerMin: this.supply.usual(this.entries),
      lastFillPctPerMin: lastFill ? fillSpeedPctPerMin(lastFill) : null,
    });
  }

  /** For diagnostics and tests. */
  stats() {
    return {
      entries: this.entries.length,
      writeFailures: this.writeFailures,
      boiloff: this.boiloffActive,
      supplySlow: this.supplyActive,
    };
  }

  private onTick(outcome: TickOutcome): void {
    const mono = this.clock.monoMs();
    const reading = outcome.channels.find((c) => c.id === this.levelChannelId);
    const levelPct = reading?.quality === 'good' ? reading.value : null;
    if (levelPct !== null) this.lastLevel = levelPct;
    const step: TimelineStep = { mono, ts: outcome.ts, open: outcome.valve.open, levelPct };
    const added = this.recorder.step(step);
    for (const event of outcome.fillEvents) {
      if (event.event === 'started') {
        this.openFill = { startMono: mono, levelFromPct: event.fill.levelFromPct };
        continue;
      }
      this.openFill = null;
      for (const entry of this.recorder.fillEnded(event.fill, step)) {
        const judged =
          entry.kind === 'fill' && TimelineRecorder.judgeable(event.fill)
            ? { ...entry, slow: this.supply.isSlowFill(entry, this.entries, this.supplyActive) }
            : entry;
        added.push(judged);
      }
    }
    for (const entry of added) this.add(entry);
    // The boil-off figures change with entries only (at most hourly); a fill in progress can
    // become overdue at any sample, so only the supply warning is looked at on every one.
    if (added.length > 0) this.evaluateBoiloff();
    if (added.length > 0 || this.openFill) this.evaluateSupply(mono);
  }

  private add(entry: TimelineEntry): void {
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES)
      this.entries.splice(0, this.entries.length - MAX_ENTRIES);
    const file = this.file;
    if (!file) return;
    const write = async () => {
      await file.append(entry);
      if (file.lines > 2 * MAX_ENTRIES) await file.rewrite(this.entries);
    };
    write().catch((error: unknown) => {
      this.writeFailures += 1;
      if (this.writeFailures === 1 || this.writeFailures % 100 === 0) {
        this.logger.error(
          `consumption history: ${this.writeFailures} entr(ies) not written (${describeError(error)})`,
        );
      }
    });
  }

  private evaluate(): void {
    this.evaluateBoiloff();
    this.evaluateSupply(this.clock.monoMs());
  }

  private evaluateBoiloff(): void {
    const boiloff = boiloffCondition(this.entries, this.settings.boiloff, this.boiloffActive);
    if (boiloff.active !== this.boiloffActive) {
      this.boiloffActive = boiloff.active;
      this.control.reportCondition(BOILOFF_ALARM_ID, boiloff.active);
      const figures = `recent ${fmt(boiloff.recent)} %/h, baseline ${fmt(boiloff.baseline)} %/h`;
      if (boiloff.active) this.logger.warn(`consumption well above its baseline: ${figures}`);
      else this.logger.log(`consumption back near its baseline: ${figures}`);
    }
  }

  private evaluateSupply(mono: number): void {
    const open: OpenFillView | null = this.openFill && {
      elapsedS: (mono - this.openFill.startMono) / 1000,
      levelFromPct: this.openFill.levelFromPct,
    };
    const supplySlow = this.supply.condition(
      this.entries,
      open,
      this.control.setpoints().fillStopPct,
    );
    if (supplySlow !== this.supplyActive) {
      this.supplyActive = supplySlow;
      this.control.reportCondition(SUPPLY_ALARM_ID, supplySlow);
      const usual = `usual ${fmt(this.supply.usual(this.entries))} %/min`;
      if (supplySlow) this.logger.warn(`fills slower than usual (${usual})`);
      else this.logger.log(`fill speed back to normal (${usual})`);
    }
  }
}

function fmt(value: number | null): string {
  return value === null ? '?' : value.toFixed(2);
}
