import { Component, computed, DestroyRef, inject, OnInit, signal } from '@angular/core';
import type { Consumption, FillRecord, SensorMaintenance } from '@cryopilot/protocol';
import { ControlApi } from '../core/api/control-api';
import type { TextKey } from '../core/i18n/en';
import { I18n } from '../core/i18n/i18n';
import { RealtimeState } from '../core/realtime/realtime-state';
import { humanDuration } from '../shared/duration';

/** Fills and forecasts move in minutes: a refresh every half minute is plenty. */
const REFRESH_MS = 30_000;
const FILLS_SHOWN = 6;

/**
 * What a technician asks of a dewar controller: how fast it uses nitrogen, when it fills next,
 * the last fills and how they ended, and the O2 sensors' bump tests (GET /api/consumption,
 * /api/fills, /api/sensors/<id>/maintenance).
 */
@Component({
  selector: 'app-logistics-panel',
  template: `
    <section class="panel" aria-labelledby="ln2-title">
      <h2 class="panel-title" id="ln2-title">{{ i18n.t('ln2.title') }}</h2>
      @if (error()) {
        <p class="note" role="status">{{ i18n.t('ln2.unavailable', { message: error() }) }}</p>
      }
      @if (consumption(); as c) {
        <dl class="figures" data-testid="consumption">
          <div>
            <dt>{{ i18n.t('ln2.rate') }}</dt>
            <dd>{{ rate(c) }}</dd>
          </div>
          <div>
            <dt>{{ i18n.t('ln2.nextFill') }}</dt>
            <dd>{{ span(c.timeToFillStartS, true) }}</dd>
          </div>
          <div>
            <dt>{{ i18n.t('ln2.empty') }}</dt>
            <dd>{{ span(c.timeToEmptyS) }}</dd>
          </div>
          <div>
            <dt>{{ i18n.t('ln2.fillsPerDay') }}</dt>
            <dd>{{ c.fillsPerDay === null ? '—' : i18n.number(c.fillsPerDay, 1) }}</dd>
          </div>
        </dl>
        <p class="note">
          {{
            c.ratePctPerH === null
              ? i18n.t('ln2.notEnough')
              : i18n.t('ln2.basis', { hours: i18n.number(c.basis.rateHours, 1) })
          }}
        </p>
      }

      <h3>{{ i18n.t('ln2.fills') }}</h3>
      @if (fills().length === 0) {
        <p class="note">{{ i18n.t('ln2.noFills') }}</p>
      } @else {
        <div class="table-wrap">
          <table data-testid="fills">
            <thead>
              <tr>
                <th scope="col">{{ i18n.t('ln2.col.start') }}</th>
                <th scope="col">{{ i18n.t('ln2.col.duration') }}</th>
                <th scope="col">{{ i18n.t('ln2.col.level') }}</th>
                <th scope="col">{{ i18n.t('ln2.col.mode') }}</th>
                <th scope="col">{{ i18n.t('ln2.col.end') }}</th>
              </tr>
            </thead>
            <tbody>
              @for (f of fills(); track f.start) {
                <tr>
                  <td>{{ i18n.date(f.start) }} {{ i18n.time(f.start) }}</td>
                  <td>{{ f.durationS === null ? '—' : duration(f.durationS) }}</td>
                  <td>{{ level(f) }}</td>
                  <td>{{ how(f) }}</td>
                  <td>{{ ended(f) }}</td>
                </tr>
              }
            </tbody>
          </table>
        </div>
      }

      @if (sensors().length > 0) {
        <h3>{{ i18n.t('ln2.sensors') }}</h3>
        <ul class="sensors" data-testid="sensors">
          @for (s of sensors(); track s.sensorId) {
            <li>
              <strong>{{ label(s.sensorId) }}</strong>
              <span>{{
                i18n.t('ln2.lastBump', {
                  date: s.lastBumpTest ? i18n.date(s.lastBumpTest.ts) : i18n.t('ln2.never'),
                })
              }}</span>
              @if (s.underTest; as test) {
                <span class="tag warn"
                  >▲ {{ i18n.t('ln2.underTest', { time: i18n.time(test.until) }) }}</span
                >
              }
              @for (d of s.due; track d) {
                <span class="tag">{{ i18n.t(dueKey(d)) }}</span>
              }
              @if (s.due.length === 0 && !s.underTest) {
                <span class="muted">{{
                  i18n.t('ln2.bumpDue', { date: i18n.date(s.bumpTestDue) })
                }}</span>
              }
            </li>
          }
        </ul>
      }
    </section>
  `,
  styles: `
    /* A grid item grows to its content unless told otherwise: the table scrolls, not the page. */
    :host {
      display: block;
      min-width: 0;
    }
    .figures {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr));
      gap: 0.75rem;
      margin: 0;
    }
    .figures dt {
      font-size: 0.85rem;
      color: var(--ink-2);
    }
    .figures dd {
      margin: 0;
      font-size: 1.25rem;
      font-variant-numeric: tabular-nums;
    }
    h3 {
      font-size: 1rem;
      margin: 1rem 0 0.5rem;
    }
    .note,
    .muted {
      color: var(--ink-2);
      font-size: 0.9rem;
    }
    .table-wrap {
      overflow-x: auto;
      max-width: 100%;
    }
    table {
      border-collapse: collapse;
      width: 100%;
      font-variant-numeric: tabular-nums;
    }
    th,
    td {
      text-align: left;
      padding: 0.3rem 0.5rem;
      border-bottom: 1px solid var(--line);
      white-space: nowrap;
    }
    .sensors {
      list-style: none;
      padding: 0;
      margin: 0;
      display: grid;
      gap: 0.4rem;
    }
    .sensors li {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      align-items: baseline;
    }
    .tag {
      border: 1px solid var(--line);
      border-radius: 0.25rem;
      padding: 0 0.35rem;
      font-size: 0.85rem;
    }
    .tag.warn {
      border-color: var(--warning);
      background: var(--warning-bg);
      color: var(--warning);
    }
  `,
})
export class LogisticsPanel implements OnInit {
  protected readonly i18n = inject(I18n);
  private readonly api = inject(ControlApi);
  private readonly state = inject(RealtimeState);
  private readonly destroyRef = inject(DestroyRef);
  protected readonly consumption = signal<Consumption | null>(null);
  protected readonly fills = signal<FillRecord[]>([]);
  protected readonly sensors = signal<SensorMaintenance[]>([]);
  protected readonly error = signal('');
  /** The O2 sensors: the channels measured in %vol. */
  private readonly o2Ids = computed(() =>
    this.state
      .channels()
      .filter((c) => c.unit === '%vol')
      .map((c) => c.id),
  );

  ngOnInit(): void {
    void this.load();
    const timer = setInterval(() => void this.load(), REFRESH_MS);
    this.destroyRef.onDestroy(() => clearInterval(timer));
  }

  protected rate(c: Consumption): string {
    if (c.ratePctPerH === null) return '—';
    const perH = this.i18n.t('ln2.ratePerH', { rate: this.i18n.number(c.ratePctPerH, 2) });
    if (c.litresPerDay === undefined || c.litresPerDay === null) return perH;
    return `${perH} · ${this.i18n.t('ln2.litresPerDay', { litres: this.i18n.number(c.litresPerDay, 1) })}`;
  }

  protected span(seconds: number | null, nowWhenZero = false): string {
    if (seconds === null) return '—';
    if (nowWhenZero && seconds === 0) return this.i18n.t('ln2.nextFillNow');
    return humanDuration(this.i18n, seconds);
  }

  protected duration(seconds: number): string {
    return humanDuration(this.i18n, seconds);
  }

  protected level(f: FillRecord): string {
    const pct = (v: number | null) => (v === null ? '?' : `${this.i18n.number(v, 0)} %`);
    return `${pct(f.levelFromPct)} → ${f.end === null ? '…' : pct(f.levelToPct)}`;
  }

  protected how(f: FillRecord): string {
    return f.mode === 'manual'
      ? this.i18n.t('ln2.mode.manual', { user: f.user ?? '?' })
      : this.i18n.t('ln2.mode.auto');
  }

  protected ended(f: FillRecord): string {
    if (f.endedBy === null) return this.i18n.t('ln2.running');
    return this.i18n.t(`ln2.end.${f.endedBy}` as TextKey);
  }

  protected dueKey(item: SensorMaintenance['due'][number]): TextKey {
    return `ln2.due.${item}` as TextKey;
  }

  protected label(id: string): string {
    return this.state.channels().find((c) => c.id === id)?.label ?? id;
  }

  private async load(): Promise<void> {
    try {
      const [consumption, fills, sensors] = await Promise.all([
        this.api.consumption(),
        this.api.fills(FILLS_SHOWN),
        Promise.all(this.o2Ids().map((id) => this.api.sensorMaintenance(id))),
      ]);
      this.consumption.set(consumption);
      this.fills.set(fills.fills);
      this.sensors.set(sensors);
      this.error.set('');
    } catch (error) {
      // Offline or restarting: keep the last figures and say why they do not refresh.
      this.error.set(error instanceof Error ? error.message : String(error));
    }
  }
}
