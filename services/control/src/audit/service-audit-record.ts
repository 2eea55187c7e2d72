import type { AuditRecord } from '@cryopilot/protocol';
import { randomUUID } from 'node:crypto';

/**
 * An audit line for what the service did on its own (a notification, a return to auto): user
 * `system` unless someone asked for it, no role, source `service`.
 */
export function serviceAuditRecord(
  fields: Pick<AuditRecord, 'ts' | 'command' | 'args' | 'ok' | 'error'> & { user?: string },
): AuditRecord {
  const { user = 'system', error, ...rest } = fields;
  return {
    id: randomUUID(),
    user,
    role: null,
    source: 'service',
    ...rest,
    ...(error ? { error } : {}),
  };
}
