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
import type { TrendEvent } from '@cryopilot/protocol';
import uPlot from 'uplot';
import { ControlApi } from '../../core/api/control-api';
import { I18n } from '../../core/i18n/i18n';
import { RealtimeState } from '../../core/realtime/realtime-state';
import { chartOptions, chartRanges } from './chart-options';
import { currentTheme, type Theme } from './palette';
import { thresholds, type Threshold } from './thresholds';

/** Events listed for screen readers at most (the newest). */
const LISTED_EVENTS = 20;

/**
 * Live trend of every channel with the valve output, labelled thresholds and markers for
 * alarms and fills (uPlot). Fed from the snapshot's history, then live samples; at 10
 * samples/s the redraws are batched to one per animation frame. Longer windows (up to the
 * service's retention) come from `/api/trend`. The legend reads out every series at the
 * cursor: mouse hover, a tap, or the arrow keys once the chart has focus.
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
  private readonly theme = signal<Theme>(currentTheme());
  protected readonly thresholds = computed<Threshold[]>(() => {
    const setpoints = this.state.setpoints();
    this.i18n.language();
    return setpoints ? thresholds(setpoints, this.i18n.t, (v, d) => this.i18n.number(v, d)) : [];
  });
  /** The newest markers of the window, said in words (the canvas is not read by anyone). */
  protected readonly events = computed(() => {
    this.state.trendVersion();
    this.i18n.language();
    return (this.state.trend()?.events ?? []).slice(-LISTED_EVENTS).map((e) => ({
      kind: e.kind,
      text: this.describe(e),
    }));
  });
  private plot: uPlot | null = null;
  /** Language and theme the plot was built for: a change rebuilds it (labels, colours). */
  private plotKey = '';
  private frame: number | null = null;
  private resizeFrame: number | null = null;
  private width = 0;

  constructor() {
    const resize = new ResizeObserver(() => this.resize());
    const dark =
      typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
    const onTheme = () => this.theme.set(currentTheme());
    dark?.addEventListener('change', onTheme);
    afterRenderEffect(() => {
      // Re-run on new data, new thresholds, a new language or theme.
      this.state.trendVersion();
      this.thresholds();
      const channels = this.state.channels();
      const key = `${this.i18n.language()}|${this.theme()}`;
      if (this.plot && key !== this.plotKey) {
        this.plot.destroy();
        this.plot = null;
      }
      if (!this.plot && channels.length) {
        const element = this.host().nativeElement;
        this.plot = new uPlot(
          chartOptions({
            // Series names in the page's language (config labels per language).
            channels: channels.map((c) => ({ ...c, label: this.i18n.label(c) })),
            valveLabel: this.i18n.t('trend.valve'),
            timeLabel: this.i18n.t('trend.time'),
            theme: this.theme(),
            thresholds: () => this.thresholds(),
            events: () => this.state.trend()?.events ?? [],
            minutes: () => this.minutes(),
            width: element.clientWidth,
            locale: () => this.i18n.locale(),
          }),
          [[]],
          element,
        );
        this.plotKey = key;
        this.width = element.clientWidth;
        resize.observe(element);
      }
      this.scheduleRedraw();
    });
    inject(DestroyRef).onDestroy(() => {
      resize.disconnect();
      dark?.removeEventListener('change', onTheme);
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

  /** Arrow keys move the readout point by point (Home/End: oldest/newest). */
  protected onKey(event: KeyboardEvent): void {
    const plot = this.plot;
    const times = plot?.data[0];
    if (!plot || !times?.length) return;
    const last = times.length - 1;
    const current = plot.cursor.idx ?? last;
    const step = event.shiftKey ? 10 : 1;
    const moves: Record<string, number> = {
      ArrowLeft: current - step,
      ArrowRight: current + step,
      Home: 0,
      End: last,
    };
    const next = moves[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const idx = Math.min(last, Math.max(0, next));
    plot.setCursor({ left: plot.valToPos(times[idx], 'x'), top: plot.over.clientHeight / 2 });
  }

  private describe(event: TrendEvent): string {
    const when = this.i18n.time(new Date(event.t).toISOString());
    const what = this.i18n.t(`trend.marker.${event.kind}`);
    const alarm = event.alarmId ? ` (${event.alarmId.replaceAll('_', ' ')})` : '';
    return `${when} ${what}${alarm}`;
  }

  private scheduleRedraw(): void {
    if (this.frame !== null) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      const trend = this.state.trend();
      const plot = this.plot;
      if (!plot || !trend) return;
      const columns = this.state.channels().map((c) => trend.values.get(c.id) ?? []);
      plot.setData([trend.t, ...columns, trend.valve] as uPlot.AlignedData);
      // Away from the chart, the readout shows the newest values.
      if ((plot.cursor.left ?? -1) < 0 && trend.t.length > 0) {
        plot.setLegend({ idx: trend.t.length - 1 });
      }
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
