import {
  Component,
  computed,
  DestroyRef,
  effect,
  inject,
  OnInit,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import type {
  Consumption,
  FillRecord,
  MaintenanceRecord,
  SensorMaintenance,
} from '@cryopilot/protocol';
import { ControlApi } from '../core/api/control-api';
import { CommandSender } from '../core/realtime/command-sender';
import type { TextKey } from '../core/i18n/en';
import { I18n } from '../core/i18n/i18n';
import { RealtimeState } from '../core/realtime/realtime-state';
import { describeOutcome } from '../shared/command-feedback';
import { ConfirmDialog } from '../shared/confirm-dialog/confirm-dialog';
import { humanDuration } from '../shared/duration';
import { requestFailureText } from '../shared/service-text';

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
  imports: [ConfirmDialog],
  template: `
    <section class="panel" aria-labelledby="ln2-title">
      <h2 class="panel-title" id="ln2-title" tabindex="-1" #heading>{{ i18n.t('ln2.title') }}</h2>
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
        <!-- Scrolls sideways on a phone: focusable so a keyboard can scroll it (axe). -->
        <div class="table-wrap" tabindex="0" role="region" [attr.aria-label]="i18n.t('ln2.fills')">
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
              @if (canTest()) {
                @if (s.underTest) {
                  <button type="button" class="btn" (click)="ask('end', s.sensorId)">
                    {{ i18n.t('ln2.endTest') }}
                  </button>
                } @else {
                  <button
                    type="button"
                    class="btn"
                    [disabled]="anyUnderTest()"
                    [attr.aria-describedby]="anyUnderTest() ? 'ln2-why' : null"
                    (click)="ask('start', s.sensorId)"
                  >
                    {{ i18n.t('ln2.startTest') }}
                  </button>
                }
              }
            </li>
          }
        </ul>
        @if (canTest() && anyUnderTest()) {
          <p class="note" id="ln2-why">{{ i18n.t('ln2.otherUnderTest') }}</p>
        }
        <p class="note" role="status" data-testid="ln2-feedback">{{ feedback() }}</p>
      }
    </section>

    <app-confirm-dialog
      [title]="dialogTitle()"
      [fallbackFocus]="heading"
      [confirmDisabled]="!validInput()"
      (confirmed)="run()"
    >
      @if (action()?.kind === 'start') {
        <p>{{ i18n.t('ln2.startHint') }}</p>
        <label class="field">
          <span>{{ i18n.t('ln2.minutes') }}</span>
          <input
            type="text"
            inputmode="numeric"
            [value]="minutes()"
            (input)="minutes.set($any($event.target).value)"
          />
        </label>
      } @else {
        <p>{{ i18n.t('ln2.endHint') }}</p>
        <label class="field">
          <span>{{ i18n.t('ln2.gas') }}</span>
          <input
            type="text"
            inputmode="decimal"
            [value]="gas()"
            (input)="gas.set($any($event.target).value)"
          />
        </label>
        <label class="field">
          <span>{{ i18n.t('alarms.comment') }}</span>
          <textarea
            rows="2"
            maxlength="500"
            [value]="comment()"
            (input)="comment.set($any($event.target).value)"
          ></textarea>
        </label>
      }
    </app-confirm-dialog>
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
  protected readonly feedback = signal('');
  private readonly commands = inject(CommandSender);
  private readonly dialog = viewChild.required(ConfirmDialog);
  protected readonly action = signal<{ kind: 'start' | 'end'; sensorId: string } | null>(null);
  protected readonly minutes = signal('15');
  protected readonly gas = signal('18');
  protected readonly comment = signal('');
  protected readonly canTest = computed(
    () => this.state.session()?.commands.includes('sensor.test.start') ?? false,
  );
  protected readonly anyUnderTest = computed(() => this.sensors().some((s) => s.underTest));
  protected readonly dialogTitle = computed(() => {
    const action = this.action();
    if (!action) return '';
    const sensor = this.label(action.sensorId);
    return this.i18n.t(action.kind === 'start' ? 'ln2.startTitle' : 'ln2.endTitle', { sensor });
  });
  /** Numbers typed in either locale's way (18,5 or 18.5), within what the service accepts. */
  protected readonly validInput = computed(() => {
    const action = this.action();
    if (action?.kind === 'start') {
      const m = parseNumber(this.minutes());
      return Number.isInteger(m) && m >= 1 && m <= 60;
    }
    const gas = parseNumber(this.gas());
    return Number.isFinite(gas) && gas >= 0 && gas <= 25;
  });
  /** The O2 sensors: the channels measured in %vol. */
  private readonly o2Ids = computed(
    () =>
      this.state
        .channels()
        .filter((c) => c.unit === '%vol')
        .map((c) => c.id),
    // The channels change every sample; the list of O2 sensors almost never.
    { equal: (a, b) => a.join() === b.join() },
  );

  constructor() {
    // The O2 sensors are known once the live snapshot arrived (often after the first load):
    // load again as soon as they are, not at the next refresh.
    effect(() => {
      if (this.o2Ids().length > 0) void untracked(() => this.load());
    });
  }

  protected ask(kind: 'start' | 'end', sensorId: string): void {
    this.action.set({ kind, sensorId });
    this.comment.set('');
    this.feedback.set('');
    this.dialog().open();
  }

  protected async run(): Promise<void> {
    const action = this.action();
    if (!action) return;
    const outcome =
      action.kind === 'start'
        ? await this.commands.send('sensor.test.start', {
            sensorId: action.sensorId,
            minutes: parseNumber(this.minutes()),
          })
        : await this.commands.send('sensor.test.end', {
            sensorId: action.sensorId,
            referenceGasPct: parseNumber(this.gas()),
            ...(this.comment().trim() ? { comment: this.comment().trim() } : {}),
          });
    const record = outcome.ok
      ? (outcome.result as { record?: MaintenanceRecord } | null)?.record
      : undefined;
    // Said in the page's words: the service's answer names the sensor by its id.
    const sensor = this.label(action.sensorId);
    this.feedback.set(
      record
        ? this.i18n.t('ln2.recorded', {
            result: this.i18n.t(record.passed ? 'ln2.passed' : 'ln2.failed'),
          })
        : outcome.ok
          ? this.i18n.t('ln2.started', { sensor })
          : describeOutcome(this.i18n, outcome),
    );
    await this.load();
    this.dialog().settleFocus();
  }

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
    const channel = this.state.channels().find((c) => c.id === id);
    return channel ? this.i18n.label(channel) : id;
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
      this.error.set(requestFailureText(this.i18n, error));
    }
  }
}

/** "18,5" (French) and "18.5" alike; NaN for anything else. */
function parseNumber(text: string): number {
  const trimmed = text.trim().replace(',', '.');
  return trimmed === '' ? NaN : Number(trimmed);
}
