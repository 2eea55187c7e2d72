import { Component, computed, effect, inject, OnDestroy, signal } from '@angular/core';
import type { TextKey } from '../core/i18n/en';
import { I18n } from '../core/i18n/i18n';
import { RealtimeState } from '../core/realtime/realtime-state';
import { PRIORITY_SHAPE } from '../shared/priority';
import { interlockText } from '../shared/service-text';
import { clock, plantSummary, RoomState } from './plant-summary';

/** The favicon's colour per room state (the tab shows it when the page is in the background). */
const FAVICON_COLOUR: Record<RoomState | 'offline', string> = {
  safe: '#1e7d3a',
  danger: '#b3261e',
  unknown: '#9a5b00',
  offline: '#6b7480',
};

/**
 * Safe to enter, at a glance, on every page (sticky on a phone): the room's O2 from both
 * sensors, what the valve is doing and why, the standing alarms by priority. Mirrored in the
 * tab title and the favicon, so a background tab still says DO NOT ENTER.
 */
@Component({
  selector: 'app-status-band',
  template: `
    <div class="band" [class]="'band room-' + roomClass()" role="status" data-testid="status-band">
      <strong class="room" data-testid="room">
        <span class="shape" aria-hidden="true">{{ roomShape() }}</span>
        {{ roomText() }}
      </strong>
      <span class="valve" data-testid="band-valve">{{ valveText() }}</span>
      <span class="alarms" data-testid="band-alarms">
        @for (p of priorities; track p) {
          @if (summary().alarms[p]) {
            <span class="count" [class]="'count sev-' + p">
              <span aria-hidden="true">{{ shapes[p] }}</span>
              {{ i18n.t(countKey(p), { n: summary().alarms[p] }) }}
            </span>
          }
        }
        @if (!anyAlarm()) {
          <span class="count none">{{ i18n.t('band.noAlarm') }}</span>
        }
      </span>
    </div>
    @if (manualText(); as text) {
      <p
        class="manual"
        [class.manual-low]="summary().manual?.belowFillStart"
        data-testid="band-manual"
      >
        <span class="shape" aria-hidden="true">{{
          summary().manual?.belowFillStart ? shapes.warning : '✋'
        }}</span>
        {{ text }}
      </p>
    }
  `,
  styles: `
    :host {
      position: sticky;
      top: 0;
      z-index: 5;
      display: block;
    }
    .band {
      display: flex;
      flex-wrap: wrap;
      gap: 0.35rem 1rem;
      align-items: center;
      padding: 0.45rem 1rem;
      border-bottom: 1px solid var(--line);
      background: var(--panel);
      font-size: 0.95rem;
    }
    .room {
      font-size: 1.05rem;
    }
    .room-danger {
      background: var(--critical);
      color: var(--on-critical);
    }
    .room-unknown {
      background: var(--warning-bg);
      color: var(--warning);
    }
    .room-offline {
      background: var(--muted-bg);
      color: var(--ink-2);
    }
    .shape {
      display: inline-block;
      min-width: 1.1em;
    }
    .alarms {
      display: flex;
      gap: 0.4rem;
      margin-left: auto;
    }
    .count {
      padding: 0.05rem 0.45rem;
      border-radius: 999px;
      background: var(--muted-bg);
      color: var(--ink);
      font-size: 0.85rem;
    }
    .room-danger .count {
      background: var(--panel);
    }
    .count.sev-critical {
      color: var(--critical);
      font-weight: 700;
    }
    .count.sev-warning {
      color: var(--warning);
    }
    /* Manual mode: a reminder, not an alarm (no red); amber once the level needs a fill. */
    .manual {
      margin: 0;
      padding: 0.3rem 1rem;
      border-bottom: 1px solid var(--line);
      background: var(--info-bg);
      color: var(--info);
      font-weight: 700;
      font-size: 0.9rem;
    }
    .manual-low {
      background: var(--warning-bg);
      color: var(--warning);
      border-bottom-color: var(--warning);
    }
  `,
})
export class StatusBand implements OnDestroy {
  protected readonly i18n = inject(I18n);
  private readonly state = inject(RealtimeState);
  protected readonly priorities = ['critical', 'warning', 'info'] as const;
  protected readonly shapes = PRIORITY_SHAPE;
  /** Elapsed fill time moves every second even between samples. */
  private readonly now = signal(Date.now());
  private readonly ticker = setInterval(() => this.now.set(Date.now()), 1000);
  private readonly originalTitle = document.title;

  protected readonly summary = computed(() =>
    plantSummary({
      channels: this.state.channels(),
      setpoints: this.state.setpoints(),
      valve: this.state.valve(),
      alarms: this.state.activeAlarms(),
      nowMs: this.state.serverNowMs(this.now()),
    }),
  );
  /** Values that are not live say nothing about the room: shown as such. */
  protected readonly roomClass = computed(() =>
    this.state.isLive() ? this.summary().room.state : 'offline',
  );
  protected readonly roomShape = computed(
    () =>
      ({ safe: '●', danger: PRIORITY_SHAPE.critical, unknown: '◆', offline: '○' })[
        this.roomClass()
      ],
  );
  protected readonly roomText = computed(() => {
    const { room } = this.summary();
    const o2 = room.o2Pct === null ? '—' : this.i18n.number(room.o2Pct, 1);
    const sensors =
      room.sensorsOk < room.sensors
        ? ` (${this.i18n.t('band.sensors', { ok: room.sensorsOk, all: room.sensors })})`
        : '';
    switch (this.roomClass()) {
      case 'offline':
        return this.i18n.t('band.offline');
      case 'danger':
        return this.i18n.t('band.danger', { o2 }) + sensors;
      case 'unknown':
        return this.i18n.t('band.unknown');
      default:
        return this.i18n.t('band.safe', { o2 }) + sensors;
    }
  });
  protected readonly valveText = computed(() => {
    const valve = this.summary().valve;
    switch (valve.kind) {
      case 'unknown':
        return '';
      case 'filling':
        return this.i18n.t('band.filling', {
          level: valve.levelPct === null ? '—' : this.i18n.number(valve.levelPct, 0),
          stop: this.i18n.number(valve.stopPct, 0),
          elapsed: clock(valve.elapsedS),
          max: clock(valve.maxFillS),
        });
      case 'closed':
        return valve.interlocks.length
          ? this.i18n.t('band.closedBy', {
              list: valve.interlocks.map((lock) => interlockText(this.i18n, lock)).join(', '),
            })
          : this.i18n.t('band.closed');
    }
  });
  /** The manual-mode reminder, with the level warning when auto would be filling now. */
  protected readonly manualText = computed(() => {
    const manual = this.summary().manual;
    if (!manual || !this.state.isLive()) return '';
    const text = manual.belowFillStart
      ? this.i18n.t('band.manualLow', {
          level: this.i18n.number(manual.levelPct ?? 0, 0),
          start: this.i18n.number(manual.fillStartPct, 0),
        })
      : this.i18n.t('band.manual');
    const returnAt = this.state.valve()?.autoReturnAt;
    return returnAt
      ? `${text} · ${this.i18n.t('band.autoReturn', { time: this.i18n.time(returnAt) })}`
      : text;
  });
  protected readonly anyAlarm = computed(() => {
    const { critical, warning, info } = this.summary().alarms;
    return critical + warning + info > 0;
  });

  constructor() {
    // The tab title and favicon follow the band (imperative sinks).
    effect(() => {
      const room = this.roomClass();
      document.title = `${room === 'danger' ? '⛔ ' : ''}${this.roomText()} · ${this.i18n.t('app.title')}`;
      setFavicon(FAVICON_COLOUR[room]);
    });
  }

  ngOnDestroy(): void {
    clearInterval(this.ticker);
    document.title = this.originalTitle;
  }

  protected countKey(priority: 'critical' | 'warning' | 'info'): TextKey {
    return `band.count.${priority}` as TextKey;
  }
}

/** A round favicon in `colour` (an SVG data URL: no file, no request). */
function setFavicon(colour: string): void {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="${colour}"/></svg>`;
  let link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
  if (!link) {
    link = document.createElement('link');
    link.rel = 'icon';
    document.head.appendChild(link);
  }
  link.type = 'image/svg+xml';
  link.href = `data:image/svg+xml,${encodeURIComponent(svg)}`;
}
