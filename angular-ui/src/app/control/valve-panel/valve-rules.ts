import type { ValveState } from '@cryopilot/protocol';
import type { TextKey } from '../../core/i18n/en';

/** Why a control is disabled (a text key with parameters), or null when it is enabled. */
export type DisabledReason = { key: TextKey; params?: Record<string, string> } | null;

/** What the page knows of the user: which commands the service lets them send. */
export interface CommandPermissions {
  may(command: string): boolean;
  role(): string | null;
}

/**
 * Why each valve control is disabled. The rules are the service's, as it publishes them: the
 * commands the session allows, and `valve.manualOpen` (whether `valve.open` would be accepted
 * now and what blocks it). The page adds only what makes no sense to offer (opening an open
 * valve, closing a closed one in manual). The service still checks everything.
 */
export function valveControlReasons(
  valve: ValveState | null,
  session: CommandPermissions,
  isLive: boolean,
): { open: DisabledReason; close: DisabledReason; mode: DisabledReason } {
  if (!isLive || !valve) {
    const notLive = { key: 'valve.why.notLive' as const };
    return { open: notLive, close: notLive, mode: notLive };
  }
  const byRole = (command: string): DisabledReason =>
    session.may(command)
      ? null
      : { key: 'valve.why.role', params: { role: session.role() ?? '?' } };
  let open = byRole('valve.open');
  if (!open && valve.open) open = { key: 'valve.why.alreadyOpen' };
  else if (!open && !valve.manualOpen.allowed) {
    const interlocks = valve.manualOpen.blockedBy.filter((b) => b !== 'auto_mode');
    open =
      interlocks.length > 0
        ? { key: 'valve.why.interlock', params: { list: interlocks.join(', ') } }
        : { key: 'valve.why.auto' };
  }
  let close = byRole('valve.close');
  if (!close && !valve.open && valve.mode === 'manual') close = { key: 'valve.why.alreadyClosed' };
  return { open, close, mode: byRole('mode.set') };
}
