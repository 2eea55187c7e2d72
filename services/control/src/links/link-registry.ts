import { Injectable } from '@nestjs/common';
import type { LinkState, Links } from '@cryopilot/protocol';
import { Subject } from 'rxjs';
import { Clock } from '../clock/clock';

export type LinkName = keyof Links;

/**
 * The state of each link to the outside (hardware card, MQTT broker, telemetry database),
 * for `/api/state.links`, `/api/health` and live `links` events.
 */
@Injectable()
export class LinkRegistry {
  private readonly links: Record<LinkName, LinkState>;
  readonly changes$ = new Subject<Links>();
  /**
   * Links that only some installations have (one per notification channel, `notify:<name>`):
   * shown on `/api/diagnostics`, not part of the `Links` contract of state and WebSocket.
   */
  private readonly extras = new Map<string, LinkState>();

  constructor(private readonly clock: Clock) {
    const since = this.isoNow();
    this.links = {
      hardware: { state: 'connecting', since },
      mqtt: { state: 'disabled', since, detail: 'not configured' },
      telemetry: { state: 'disabled', since, detail: 'not configured' },
    };
  }

  snapshot(): Links {
    return { ...this.links };
  }

  /** Records a link state; publishes only real changes. */
  set(name: LinkName, state: LinkState['state'], detail?: string): void {
    const current = this.links[name];
    if (current.state === state && current.detail === detail) return;
    this.links[name] = { state, since: this.isoNow(), ...(detail ? { detail } : {}) };
    this.changes$.next(this.snapshot());
  }

  /** Records the state of an optional link (see `extras`). */
  setExtra(name: string, state: LinkState['state'], detail?: string): void {
    const current = this.extras.get(name);
    if (current?.state === state && current.detail === detail) return;
    // `since` is when the state began: a detail that changes (figures) keeps it.
    const since = current?.state === state ? current.since : this.isoNow();
    this.extras.set(name, { state, since, ...(detail ? { detail } : {}) });
  }

  /** The optional links, by name. */
  extraSnapshot(): Record<string, LinkState> {
    return Object.fromEntries(this.extras);
  }

  private isoNow(): string {
    return new Date(this.clock.wallMs()).toISOString();
  }
}
