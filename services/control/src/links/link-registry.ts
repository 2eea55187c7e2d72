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

  private isoNow(): string {
    return new Date(this.clock.wallMs()).toISOString();
  }
}
