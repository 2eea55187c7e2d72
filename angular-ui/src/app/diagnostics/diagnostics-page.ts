import { Component, DestroyRef, inject, OnInit, signal } from '@angular/core';
import { ControlApi, Diagnostics } from '../core/api/control-api';
import { I18n } from '../core/i18n/i18n';
import { humanDuration } from '../shared/duration';
import { requestFailureText } from '../shared/service-text';

const REFRESH_MS = 5_000;

/** HAT firmware, temperature, voltages, I2C counters, loop figures and link states. */
@Component({
  selector: 'app-diagnostics-page',
  template: `
    <section class="panel">
      <h1 class="panel-title">{{ i18n.t('diag.title') }}</h1>
      @if (error()) {
        <p class="error" role="alert">{{ error() }}</p>
      }
      @if (diagnostics(); as d) {
        <div class="groups">
          <dl>
            <dt class="group">{{ i18n.t('diag.hardware') }}</dt>
            <dt>{{ i18n.t('diag.driver') }}</dt>
            <dd>{{ d.hardware.driver }} · {{ d.hardware.address }}</dd>
            <dt>{{ i18n.t('diag.firmware') }}</dt>
            <dd data-testid="firmware">{{ d.hardware.firmware ?? '—' }}</dd>
            <dt>{{ i18n.t('diag.cpuTemp') }}</dt>
            <dd>{{ num(d.hardware.cpuTempC) }} °C</dd>
            <dt>{{ i18n.t('diag.supply') }}</dt>
            <dd>{{ num(d.hardware.supplyV, 2) }} V</dd>
            <dt>{{ i18n.t('diag.pi5v') }}</dt>
            <dd>{{ num(d.hardware.pi5vV, 2) }} V</dd>
            <dt>{{ i18n.t('diag.i2c') }}</dt>
            <dd>{{ entries(d.hardware.i2c) }}</dd>
            <dt>{{ i18n.t('diag.watchdog') }}</dt>
            <dd>{{ d.hardware.watchdog.reloads }} ({{ d.hardware.watchdog.periodS }} s)</dd>
          </dl>
          <dl>
            <dt class="group">{{ i18n.t('diag.loop') }}</dt>
            <dt>{{ i18n.t('diag.period') }}</dt>
            <dd>{{ d.controlLoop.periodMs }} ms</dd>
            <dt>{{ i18n.t('diag.ticks') }}</dt>
            <dd>{{ d.controlLoop.ticks }}</dd>
            <dt>{{ i18n.t('diag.jitter') }}</dt>
            <dd>
              {{ num(d.controlLoop.jitterMs.p50) }} / {{ num(d.controlLoop.jitterMs.p99) }} /
              {{ num(d.controlLoop.jitterMs.max) }} ms
            </dd>
            <dt class="group">{{ i18n.t('diag.links') }}</dt>
            @for (link of linkList(d); track link.name) {
              <dt>{{ linkName(link.name) }}</dt>
              <dd [attr.data-link]="link.name">
                <span class="badge" [class]="'badge link-' + link.state">{{
                  i18n.t($any('link.' + link.state))
                }}</span>
                {{ link.detail }}
              </dd>
            }
            <dt>{{ i18n.t('diag.disk') }}</dt>
            <dd>{{ num(d.disk.freeMb, 0) }} / {{ num(d.disk.totalMb, 0) }} MB</dd>
            <dt>{{ i18n.t('diag.uptime') }}</dt>
            <dd data-testid="uptime">
              {{ duration(d.process.uptimeS) }} · {{ num(d.process.rssMb, 0) }} MB ·
              {{ d.process.node }}
            </dd>
          </dl>
        </div>
      } @else if (!error()) {
        <p>{{ i18n.t('common.loading') }}</p>
      }
    </section>
  `,
  styles: `
    .groups {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr));
      gap: 1.5rem;
    }
    dl {
      display: grid;
      grid-template-columns: max-content 1fr;
      gap: 0.3rem 0.8rem;
      margin: 0;
    }
    dt {
      color: var(--ink-2);
    }
    dt.group {
      grid-column: 1 / -1;
      color: var(--ink);
      font-weight: 700;
      margin-top: 0.4rem;
    }
    dd {
      margin: 0;
      overflow-wrap: anywhere;
    }
    .error {
      color: var(--critical);
    }
  `,
})
export class DiagnosticsPage implements OnInit {
  protected readonly i18n = inject(I18n);
  private readonly api = inject(ControlApi);
  private readonly destroyRef = inject(DestroyRef);
  protected readonly diagnostics = signal<Diagnostics | null>(null);
  protected readonly error = signal('');

  ngOnInit(): void {
    void this.load();
    const timer = setInterval(() => void this.load(), REFRESH_MS);
    this.destroyRef.onDestroy(() => clearInterval(timer));
  }

  protected duration(seconds: number): string {
    return humanDuration(this.i18n, seconds);
  }

  /** A figure in the page's locale (20,5 in French), a dash when the card did not say. */
  protected num(value: number | null | undefined, decimals = 1): string {
    return value === null || value === undefined ? '—' : this.i18n.number(value, decimals);
  }

  /** Counters in words and in the locale; a name the page does not know is shown as is. */
  protected entries(record: Record<string, number | string | null>): string {
    return Object.entries(record)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => {
        const key = `diag.i2c.${k}`;
        const name = this.i18n.has(key) ? this.i18n.t(key) : k;
        return `${name} ${typeof v === 'number' ? this.num(v, 0) : v}`;
      })
      .join(' · ');
  }

  protected linkName(name: string): string {
    const key = `diag.link.${name}`;
    return this.i18n.has(key) ? this.i18n.t(key) : name;
  }

  protected linkList(d: Diagnostics) {
    return Object.entries(d.links).map(([name, link]) => ({ name, ...link }));
  }

  private async load(): Promise<void> {
    try {
      this.diagnostics.set(await this.api.diagnostics());
      this.error.set('');
    } catch (error) {
      // Offline: keep the last figures and say why they do not refresh.
      this.error.set(requestFailureText(this.i18n, error));
    }
  }
}
