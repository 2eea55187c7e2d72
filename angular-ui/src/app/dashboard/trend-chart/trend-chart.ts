import {
  afterRenderEffect,
  Component,
  computed,
  DestroyRef,
  ElementRef,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import type { Setpoints } from '@cryopilot/protocol';
import uPlot from 'uplot';
import { ControlApi } from '../../core/api/control-api';
import { I18n } from '../../core/i18n/i18n';
import { RealtimeState } from '../../core/realtime/realtime-state';
import { chartOptions, chartRanges } from './chart-options';

/**
 * Live trend of every channel with the valve output and the thresholds (uPlot). Fed from the
 * snapshot's history, then live samples; at 10 samples/s the redraws are batched to one per
 * animation frame. Longer windows (up to the service's retention) come from `/api/trend`.
 */
@Component({
  selector: 'app-trend-chart',
  templateUrl: './trend-chart.html',
  styleUrl: './trend-chart.css',
  host: { class: 'panel', role: 'region', '[attr.aria-label]': "i18n.t('trend.title')" },
})
export class TrendChart {
  protected readonly i18n = inject(I18n);
  private readonly state = inject(RealtimeState);
  private readonly api = inject(ControlApi);
  private readonly host = viewChild.required<ElementRef<HTMLDivElement>>('plot');

  protected readonly minutes = signal(this.state.currentTrendMinutes());
  protected readonly ranges = computed(() => chartRanges(this.state.trendRetainMinutes()));
  protected readonly loading = signal(false);
  private plot: uPlot | null = null;
  private plotLanguage = '';
  private frame: number | null = null;
  private resizeFrame: number | null = null;
  private width = 0;
  private setpoints: Setpoints | null = null;

  constructor() {
    const resize = new ResizeObserver(() => this.resize());
    afterRenderEffect(() => {
      // Re-run on new data, new thresholds or a new language (axis labels).
      this.state.trendVersion();
      this.setpoints = this.state.setpoints();
      const channels = this.state.channels();
      const language = this.i18n.language();
      // Series names are fixed when the chart is built: a new language builds it again.
      if (this.plot && this.plotLanguage !== language) {
        this.plot.destroy();
        this.plot = null;
      }
      if (!this.plot && channels.length) {
        this.plotLanguage = language;
        const element = this.host().nativeElement;
        this.plot = new uPlot(
          chartOptions(
            channels.map((c) => ({ ...c, label: this.i18n.label(c) })),
            this.i18n.t('trend.valve'),
            () => this.setpoints,
            () => this.minutes(),
            element.clientWidth,
            () => this.i18n.locale(),
          ),
          [[]],
          element,
        );
        this.width = element.clientWidth;
        resize.observe(element);
      }
      this.scheduleRedraw();
    });
    inject(DestroyRef).onDestroy(() => {
      resize.disconnect();
      if (this.frame !== null) cancelAnimationFrame(this.frame);
      if (this.resizeFrame !== null) cancelAnimationFrame(this.resizeFrame);
      this.plot?.destroy();
    });
  }

  protected label(minutes: number): string {
    return minutes < 60
      ? this.i18n.t('trend.minutes', { n: minutes })
      : this.i18n.t('trend.hours', { n: minutes / 60 });
  }

  protected async selectRange(minutes: number): Promise<void> {
    this.minutes.set(minutes);
    this.loading.set(true);
    try {
      this.state.loadTrend(await this.api.trend(minutes), minutes);
    } catch {
      // Offline or refused: keep what is shown; the overlay tells about the connection.
    } finally {
      this.loading.set(false);
    }
  }

  private scheduleRedraw(): void {
    if (this.frame !== null) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      const trend = this.state.trend();
      if (!this.plot || !trend) return;
      const columns = this.state.channels().map((c) => trend.values.get(c.id) ?? []);
      this.plot.setData([trend.t, ...columns, trend.valve] as uPlot.AlignedData);
    });
  }

  /**
   * Follows the container's width. Resizing the plot inside the observer's callback changed
   * the observed box again (canvas and legend set its height), which Chromium reports as the
   * "ResizeObserver loop completed with undelivered notifications" error on every load: so
   * only a new width counts, and the plot is resized in the next frame, outside the callback.
   */
  private resize(): void {
    if (this.resizeFrame !== null) return;
    this.resizeFrame = requestAnimationFrame(() => {
      this.resizeFrame = null;
      const width = this.host().nativeElement.clientWidth;
      if (!this.plot || width === this.width) return;
      this.width = width;
      this.plot.setSize({ width, height: this.plot.height });
    });
  }
}
