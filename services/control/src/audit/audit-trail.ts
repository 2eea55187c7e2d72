import { Logger } from '@nestjs/common';
import type { AuditRecord } from '@cryopilot/protocol';
import { merge, Observable } from 'rxjs';
import { isDiskFull } from '../persistence/fs-errors';
import { AuditLog, AuditLogStats, MAX_RECENT_LIMIT } from './audit-log';

/** Where the command bus writes: one record per command, accepted or refused. */
export interface AuditSink {
  append(record: AuditRecord): Promise<void>;
  /**
   * True while accepted commands are recorded in the space reserved for a full disk: the
   * command bus then runs only the commands that make the plant safe, so that the reserve
   * holds their records.
   */
  runningOnReserve(): Promise<boolean>;
}

/** A full disk losing refused commands is said at most this often (they may come in floods). */
const REFUSED_LOSS_LOG_INTERVAL_MS = 60_000;

/**
 * The audit trail as one log with two bounds: accepted commands in `<dir>/`, refused ones in
 * `<dir>/refused/`. Refusals are what anyone signed in (or a broken client) can produce in
 * bulk; kept apart, no flood of them can rotate an accepted command out of the record.
 * Reading merges both, newest first. On a full disk, accepted commands go to the accepted
 * log's reserve; refused ones are counted and dropped (they must not need space).
 */
export class AuditTrail implements AuditSink {
  private readonly logger = new Logger('AuditTrail');
  private refusedNotWritten = 0;
  private lastRefusedLossLogMs = -Infinity;

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

  async append(record: AuditRecord): Promise<void> {
    if (record.ok) return this.accepted.append(record);
    try {
      await this.refused.append(record);
    } catch (error) {
      if (!isDiskFull(error)) throw error;
      this.refusedNotWritten += 1;
      const now = performance.now();
      if (now - this.lastRefusedLossLogMs >= REFUSED_LOSS_LOG_INTERVAL_MS) {
        this.lastRefusedLossLogMs = now;
        this.logger.error(
          `data disk full: refused commands are not audited (${this.refusedNotWritten} so far)`,
        );
      }
    }
  }

  runningOnReserve(): Promise<boolean> {
    return this.accepted.runningOnReserve();
  }

  /** Both logs' counters, and the refused commands a full disk kept out of the record. */
  stats(): { accepted: AuditLogStats; refused: AuditLogStats; refusedNotWritten: number } {
    return {
      accepted: this.accepted.stats(),
      refused: this.refused.stats(),
      refusedNotWritten: this.refusedNotWritten,
    };
  }

  /** The newest `limit` records of both logs, newest first. */
  async recent(limit: number): Promise<AuditRecord[]> {
    const [a, r] = await Promise.all([this.accepted.recent(limit), this.refused.recent(limit)]);
    return [...a, ...r]
      .sort((x, y) => (x.ts < y.ts ? 1 : x.ts > y.ts ? -1 : 0))
      .slice(0, Math.min(limit, MAX_RECENT_LIMIT));
  }
}
