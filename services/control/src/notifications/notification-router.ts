import type { Severity } from '@cryopilot/protocol';
import type { Delivery, NotificationEvent } from './notification-event';
import { ROUTED_EVENTS } from './notifications-config.schema';

/** What routing needs of a channel's config. */
export interface ChannelRoute {
  readonly name: string;
  readonly priorities: readonly Severity[];
  readonly events: readonly (typeof ROUTED_EVENTS)[number][];
}

export interface RoutingPolicy {
  readonly channels: readonly ChannelRoute[];
  /** Channels that also get repeats marked `escalated`. */
  readonly escalationChannels: readonly string[];
}

/**
 * The channels an event goes to (pure): those whose priorities include the alarm's severity
 * and whose events include the transition (a repeat counts as `raised`); an escalated repeat
 * also to the escalation channels; each channel at most once. In quiet hours nothing that is
 * not critical is sent — a critical alarm is never held back.
 */
export function route(
  event: NotificationEvent,
  policy: RoutingPolicy,
  isQuiet: boolean,
): Delivery[] {
  const alarm = event.alarm;
  if (event.kind === 'test' || alarm === null) return [];
  if (isQuiet && alarm.severity !== 'critical') return [];
  const transition = event.kind === 'repeat' ? 'raised' : event.kind;
  const names = new Set<string>();
  for (const channel of policy.channels) {
    if (channel.priorities.includes(alarm.severity) && channel.events.includes(transition)) {
      names.add(channel.name);
    }
  }
  if (event.kind === 'repeat' && event.escalated) {
    for (const name of policy.escalationChannels) names.add(name);
  }
  return [...names].map((channel) => ({ channel, event }));
}
