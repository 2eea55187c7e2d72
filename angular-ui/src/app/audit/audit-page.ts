import { Component, inject, OnInit, signal } from '@angular/core';
import type { AuditRecord } from '@cryopilot/protocol';
import { ControlApi } from '../core/api/control-api';
import { I18n } from '../core/i18n/i18n';

/** Every command, accepted or refused, newest first (admins; `GET /api/audit`). */
@Component({
  selector: 'app-audit-page',
  template: `
    <section class="panel">
      <div class="head">
        <h1 class="panel-title">{{ i18n.t('audit.title') }}</h1>
        <button type="button" class="btn btn-small" (click)="load()">
          {{ i18n.t('common.refresh') }}
        </button>
      </div>
      @if (error()) {
        <p class="error" role="alert">{{ error() }}</p>
      }
      <div class="scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">{{ i18n.t('audit.time') }}</th>
              <th scope="col">{{ i18n.t('audit.user') }}</th>
              <th scope="col">{{ i18n.t('audit.source') }}</th>
              <th scope="col">{{ i18n.t('audit.command') }}</th>
              <th scope="col">{{ i18n.t('audit.args') }}</th>
              <th scope="col">{{ i18n.t('audit.result') }}</th>
            </tr>
          </thead>
          <tbody>
            @for (record of records(); track $index) {
              <tr [class.refused]="!record.ok">
                <td>{{ record.ts.slice(0, 10) }} {{ i18n.time(record.ts) }}</td>
                <td>{{ record.user }}</td>
                <td>{{ record.source }}</td>
                <td>{{ record.command }}</td>
                <td class="args">{{ json(record.args) }}</td>
                <td>
                  {{
                    record.ok
                      ? i18n.t('audit.ok')
                      : record.error?.code + ': ' + record.error?.message
                  }}
                </td>
              </tr>
            }
          </tbody>
        </table>
      </div>
    </section>
  `,
  styles: `
    .head {
      display: flex;
      justify-content: space-between;
      align-items: center;
    }
    .scroll {
      overflow-x: auto;
    }
    table {
      border-collapse: collapse;
      width: 100%;
      font-size: 0.85rem;
    }
    th,
    td {
      text-align: left;
      padding: 0.35rem 0.5rem;
      border-bottom: 1px solid var(--line);
      vertical-align: top;
    }
    .args {
      font-family: ui-monospace, monospace;
      max-width: 20rem;
      overflow-wrap: anywhere;
    }
    .refused td:last-child {
      color: var(--critical);
    }
    .error {
      color: var(--critical);
    }
  `,
})
export class AuditPage implements OnInit {
  protected readonly i18n = inject(I18n);
  private readonly api = inject(ControlApi);
  protected readonly records = signal<AuditRecord[]>([]);
  protected readonly error = signal('');

  ngOnInit(): void {
    void this.load();
  }

  protected async load(): Promise<void> {
    try {
      this.records.set(await this.api.audit(200));
      this.error.set('');
    } catch (error) {
      // Forbidden (not an admin) or offline: show the reason in place of the table.
      this.error.set(error instanceof Error ? error.message : String(error));
    }
  }

  protected json(value: unknown): string {
    return value === null || value === undefined ? '' : JSON.stringify(value);
  }
}
