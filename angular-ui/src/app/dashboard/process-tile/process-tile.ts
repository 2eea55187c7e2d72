import { Component, computed, inject, input } from '@angular/core';
import type { Quality, Setpoints, Severity } from '@cryopilot/protocol';
import { I18n } from '../../core/i18n/i18n';
import type { TextKey } from '../../core/i18n/en';
import type { ChannelView } from '../../core/realtime/realtime-state';
import { RealtimeState } from '../../core/realtime/realtime-state';
import { PRIORITY_SHAPE, standingPriority } from '../../shared/priority';
import { limitState, sensorFaultAlarm, sparklinePath, tileScale } from './tile-scale';

const UNUSABLE: ReadonlySet<Quality> = new Set(['bad', 'stale', 'warmup']);

/**
 * One process value: a large number with its unit only when the reading is usable; a bad,
 * stale or warming-up reading shows its quality instead (never a plain number). Threshold
 * marks on a bar, and a sparkline of the last two minutes. Never colour alone: a value past a
 * limit carries a tag (LOW-LOW, LOW, HIGH, HIGH-HIGH) and its priority's shape; an unusable
 * reading takes the priority of the alarm standing for it (a wire break is a warning).
 */
@Component({
  selector: 'app-process-tile',
  templateUrl: './process-tile.html',
  styleUrl: './process-tile.css',
  host: {
    class: 'panel tile',
    '[class.tile-critical]': "priority() === 'critical'",
    '[class.tile-warning]': "priority() === 'warning'",
    '[class.tile-unusable]': 'isUnusable()',
    '[class.tile-not-live]': '!isLive()',
    role: 'group',
    '[attr.aria-label]': 'i18n.label(channel())',
  },
})
export class ProcessTile {
  protected readonly i18n = inject(I18n);
  private readonly state = inject(RealtimeState);

  readonly channel = input.required<ChannelView>();
  readonly setpoints = input<Setpoints | null>(null);
  readonly isLive = input(true);

  protected readonly isUnusable = computed(
    () => UNUSABLE.has(this.channel().quality) || this.channel().value === null,
  );
  protected readonly scale = computed(() => tileScale(this.channel().unit, this.setpoints()));
  /** The limit a usable value is past, with its tag text and priority. */
  protected readonly limit = computed(() => {
    const value = this.channel().value;
    if (this.isUnusable() || value === null) return null;
    const limit = limitState(this.channel().unit, value, this.setpoints());
    return limit && { ...limit, text: this.i18n.t(`tile.tag.${limit.tag}` as TextKey) };
  });
  /** The tile's priority: its limit's, or that of the alarm standing for an unusable reading. */
  protected readonly priority = computed((): Severity | null => {
    if (!this.isUnusable()) return this.limit()?.priority ?? null;
    const faultAlarm = sensorFaultAlarm(this.channel().unit);
    return standingPriority(this.state.activeAlarms(), faultAlarm);
  });
  protected readonly shapes = PRIORITY_SHAPE;
  protected readonly priorityText = (priority: Severity): string =>
    this.i18n.t(`alarms.severity.${priority}` as TextKey);
  protected readonly qualityLabel = computed(() =>
    this.i18n.t(`quality.${this.channel().quality}` as TextKey),
  );
  protected readonly qualityHint = computed(() => {
    const { quality, mA } = this.channel();
    switch (quality) {
      case 'bad':
        return this.i18n.t('quality.badHint', { mA: mA === null ? '—' : `${mA.toFixed(2)} mA` });
      case 'stale':
        return this.i18n.t('quality.staleHint');
      case 'warmup':
        return this.i18n.t('quality.warmupHint');
      case 'uncertain':
        return this.i18n.t('quality.uncertainHint');
      case 'good':
        return '';
    }
  });
  protected readonly valueText = computed(() => {
    const value = this.channel().value;
    return value === null ? '' : this.i18n.number(value, this.channel().unit === '%vol' ? 1 : 0);
  });
  /** Position (0–100 %) of a value on the bar. */
  protected readonly position = (value: number): number => {
    const { min, max } = this.scale();
    return Math.min(100, Math.max(0, ((value - min) / (max - min)) * 100));
  };
  protected readonly sparkline = computed(() => {
    this.state.trendVersion();
    const recent = this.state.trend()?.recent(this.channel().id, 120);
    return recent ? sparklinePath(recent.t, recent.v, this.scale()) : '';
  });
}
