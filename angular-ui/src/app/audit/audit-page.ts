import { Component, computed, inject, OnInit, signal } from '@angular/core';
import type { AuditRecord } from '@cryopilot/protocol';
import { ControlApi } from '../core/api/control-api';
import { I18n } from '../core/i18n/i18n';
import { requestFailureText, serviceText } from '../shared/service-text';
import { auditCsv, matchesFilter } from './audit-table';

/**
 * Every command, accepted or refused, newest first (admins; `GET /api/audit`): filtered by
 * words, exported as CSV, one card per record on a phone.
 */
@Component({
  selector: 'app-audit-page',
  template: `
    <section class="panel">
      <div class="head">
        <h1 class="panel-title">{{ i18n.t('audit.title') }}</h1>
        <div class="tools">
          <label class="field filter">
            <span>{{ i18n.t('audit.filter') }}</span>
            <input
              type="search"
              name="filter"
              autocomplete="off"
              [value]="filter()"
              (input)="filter.set($any($event.target).value)"
            />
          </label>
          <button type="button" class="btn btn-small" (click)="load()">
            {{ i18n.t('common.refresh') }}
          </button>
          <button
            type="button"
            class="btn btn-small"
            data-testid="audit-csv"
            [disabled]="shown().length === 0"
            (click)="exportCsv()"
          >
            {{ i18n.t('audit.csv') }}
          </button>
        </div>
      </div>
      <p class="count" role="status" data-testid="audit-count">
        {{ i18n.t('audit.count', { shown: shown().length, all: records().length }) }}
      </p>
      @if (error()) {
        <p class="error" role="alert">{{ error() }}</p>
      }
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
          @for (record of shown(); track record.id + record.ts) {
            <tr [class.refused]="!record.ok">
              <td [attr.data-label]="i18n.t('audit.time')">{{ timeText(record) }}</td>
              <td [attr.data-label]="i18n.t('audit.user')">{{ record.user }}</td>
              <td [attr.data-label]="i18n.t('audit.source')">{{ record.source }}</td>
              <td [attr.data-label]="i18n.t('audit.command')">{{ record.command }}</td>
              <td class="args" [attr.data-label]="i18n.t('audit.args')">
                {{ json(record.args) }}
              </td>
              <td [attr.data-label]="i18n.t('audit.result')">
                {{ resultText(record) }}
              </td>
            </tr>
          }
        </tbody>
      </table>
    </section>
  `,
  styles: `
    .head {
      display: grid;
      gap: 0.4rem;
    }
    .tools {
      display: flex;
      align-items: end;
      flex-wrap: wrap;
      gap: 0.5rem;
    }
    .filter {
      min-width: min(16rem, 100%);
    }
    .count {
      margin: 0.5rem 0;
      font-size: 0.85rem;
      color: var(--ink-2);
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
    /*
     * Phones: one card per record, each cell under its own label, instead of a table wider
     * than the screen (it pushed the whole page sideways).
     */
    @media (max-width: 600px) {
      thead {
        position: absolute;
        width: 1px;
        height: 1px;
        overflow: hidden;
        clip: rect(0, 0, 0, 0);
      }
      table,
      tbody,
      tr,
      td {
        display: block;
      }
      tr {
        padding: 0.4rem 0;
        border-bottom: 2px solid var(--line);
      }
      td {
        display: grid;
        grid-template-columns: 6.5rem minmax(0, 1fr);
        gap: 0.5rem;
        border: none;
        padding: 0.15rem 0;
        overflow-wrap: anywhere;
      }
      td::before {
        content: attr(data-label);
        color: var(--ink-2);
      }
      .args {
        max-width: none;
      }
    }
  `,
})
export class AuditPage implements OnInit {
  protected readonly i18n = inject(I18n);
  private readonly api = inject(ControlApi);
  protected readonly records = signal<AuditRecord[]>([]);
  protected readonly filter = signal('');
  protected readonly shown = computed(() =>
    this.records().filter((r) =>
      matchesFilter(r, this.filter(), [this.timeText(r), this.resultText(r)]),
    ),
  );
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
      this.error.set(requestFailureText(this.i18n, error));
    }
  }

  /** Downloads the records shown (the filter applies) as CSV, made in the page. */
  protected exportCsv(): void {
    const blob = new Blob([auditCsv(this.shown())], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = `cryopilot-audit-${new Date().toISOString().slice(0, 10)}.csv`;
    link.click();
    // Revoked once the browser has started the download from it.
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  protected timeText(record: AuditRecord): string {
    return `${this.i18n.date(record.ts)} ${this.i18n.time(record.ts)}`;
  }

  protected resultText(record: AuditRecord): string {
    return record.ok
      ? this.i18n.t('audit.ok')
      : this.i18n.t('audit.refused', {
          message: serviceText(this.i18n, record.error?.message ?? ''),
        });
  }

  protected json(value: unknown): string {
    return value === null || value === undefined ? '' : JSON.stringify(value);
  }
}
