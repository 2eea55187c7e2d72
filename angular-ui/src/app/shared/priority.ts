import type { Alarm, Severity } from '@cryopilot/protocol';

/**
 * One shape per alarm priority, shown next to its colour so that priority never rests on
 * colour alone (ISA-101; about 1 man in 12 does not tell red from amber): the same shapes on
 * tiles, alarm badges, interlocks and the status band.
 */
export const PRIORITY_SHAPE: Readonly<Record<Severity, string>> = {
  critical: '■',
  warning: '▲',
  info: '●',
};

/**
 * The priority of the standing alarm `id` (any state but normal), or null when it is not
 * standing: a colour is earned by an alarm, not by a code that happens to look serious.
 */
export function standingPriority(alarms: readonly Alarm[], id: string): Severity | null {
  return alarms.find((a) => a.id === id && a.state !== 'normal')?.severity ?? null;
}
