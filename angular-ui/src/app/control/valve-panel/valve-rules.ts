import type { Role, ValveState } from '@cryopilot/protocol';
import type { TextKey } from '../../core/i18n/en';

/** Why a control is disabled (a text key with parameters), or null when it is enabled. */
export type DisabledReason = { key: TextKey; params?: Record<string, string> } | null;

/**
 * Mirrors the service's rules so that the page disables what the service would refuse, and
 * says why. The service still checks everything: this is guidance, not the safety mechanism.
 */
export function valveControlReasons(
  valve: ValveState | null,
  role: Role | null,
  isLive: boolean,
): { open: DisabledReason; close: DisabledReason; mode: DisabledReason } {
  if (!isLive || !valve) {
    const notLive = { key: 'valve.why.notLive' as const };
    return { open: notLive, close: notLive, mode: notLive };
  }
  if (role !== 'operator' && role !== 'admin') {
    const byRole = { key: 'valve.why.role' as const, params: { role: role ?? '?' } };
    return { open: byRole, close: byRole, mode: byRole };
  }
  let open: DisabledReason = null;
  if (valve.open) open = { key: 'valve.why.alreadyOpen' };
  else if (valve.interlocks.length > 0) {
    open = { key: 'valve.why.interlock', params: { list: valve.interlocks.join(', ') } };
  } else if (valve.mode !== 'manual') open = { key: 'valve.why.auto' };
  const close: DisabledReason =
    !valve.open && valve.mode === 'manual' ? { key: 'valve.why.alreadyClosed' } : null;
  return { open, close, mode: null };
}
