import type { AuditRecord } from '@cryopilot/protocol';
import { merge, Observable } from 'rxjs';
import { AuditLog, MAX_RECENT_LIMIT } from './audit-log';

/** Where the command bus writes: one record per command, accepted or refused. */
export interface AuditSink {
  append(record: AuditRecord): Promise<void>;
}

/**
 * The audit trail as one log with two bounds: accepted commands in `<dir>/`, refused ones in
 * `<dir>/refused/`. Refusals are what anyone signed in (or a broken client) can produce in
 * bulk; kept apart, no flood of them can rotate an accepted command out of the record.
 * Reading merges both, newest first.
 */
export class AuditTrail implements AuditSink {
  /** Every record once written (telemetry copies it), from both logs. */
  readonly appended$: Observable<AuditRecord>;

  constructor(
    private readonly accepted: AuditLog,
    private readonly refused: AuditLog,
  ) {
    this.appended$ = merge(accepted.appended$, refused.appended$);
  }

  async open(): Promise<void> {
    await this.accepted.open();
    await this.refused.open();
  }

  async close(): Promise<void> {
    await Promise.all([this.accepted.close(), this.refused.close()]);
  }

  append(record: AuditRecord): Promise<void> {
    return (record.ok ? this.accepted : this.refused).append(record);
  }

  /** The newest `limit` records of both logs, newest first. */
  async recent(limit: number): Promise<AuditRecord[]> {
    const [a, r] = await Promise.all([this.accepted.recent(limit), this.refused.recent(limit)]);
    return [...a, ...r]
      .sort((x, y) => (x.ts < y.ts ? 1 : x.ts > y.ts ? -1 : 0))
      .slice(0, Math.min(limit, MAX_RECENT_LIMIT));
  }
}
