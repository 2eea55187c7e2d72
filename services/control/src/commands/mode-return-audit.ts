import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { AuditRecord } from '@cryopilot/protocol';
import { AuditTrail } from '../audit/audit-trail';
import { serviceAuditRecord } from '../audit/service-audit-record';
import { ControlView } from '../control/control.facades';
import type { TickOutcome } from '../control/control-runtime';

/**
 * The service's own mode change (manual mode's `manualAutoReturnS` elapsed) on record like an
 * operator's: an audit line `mode.set` by `system` from source `service`, and a log line. A
 * failing audit disk is logged, never felt by the loop (the listener is isolated anyway).
 */
@Injectable()
export class ModeReturnAudit implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ModeReturn');
  private stopTicks: (() => void) | null = null;

  constructor(
    private readonly control: ControlView,
    private readonly audit: AuditTrail,
  ) {}

  onModuleInit(): void {
    this.stopTicks = this.control.onTick('mode-return-audit', (outcome) => this.onTick(outcome));
  }

  onModuleDestroy(): void {
    this.stopTicks?.();
    this.stopTicks = null;
  }

  private onTick(outcome: TickOutcome): void {
    if (!outcome.decision.returnedToAuto) return;
    const afterS = this.control.setpoints().manualAutoReturnS;
    this.logger.log(`manual mode returned to auto after ${afterS} s (manualAutoReturnS)`);
    this.audit.append(modeReturnRecord(afterS, outcome.ts)).catch((error: unknown) => {
      this.logger.error(`audit of the return to auto not written: ${String(error)}`);
    });
  }
}

export function modeReturnRecord(afterS: number, ts: string): AuditRecord {
  return serviceAuditRecord({
    ts,
    command: 'mode.set',
    args: { mode: 'auto', automatic: true, manualAutoReturnS: afterS },
    ok: true,
  });
}
