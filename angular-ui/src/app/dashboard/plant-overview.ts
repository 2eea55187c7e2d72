import { Component, inject, input } from '@angular/core';
import { AlarmPanel } from '../alarms/alarm-panel/alarm-panel';
import { ValvePanel } from '../control/valve-panel/valve-panel';
import { I18n } from '../core/i18n/i18n';
import { RealtimeState } from '../core/realtime/realtime-state';
import { ProcessTile } from './process-tile/process-tile';

/**
 * The plant: one tile per channel, the valve and the alarms. The dashboard adds the trend;
 * the wall display shows it `readOnly` (no control at all).
 */
@Component({
  selector: 'app-plant-overview',
  imports: [ProcessTile, ValvePanel, AlarmPanel],
  template: `
    <!-- The page's title for screen readers and the outline (axe: page-has-heading-one). -->
    <h1 class="sr-only">{{ i18n.t('nav.dashboard') }}</h1>
    <section class="tiles">
      @for (channel of state.channels(); track channel.id) {
        <app-process-tile
          [channel]="channel"
          [setpoints]="state.setpoints()"
          [isLive]="state.isLive()"
          [attr.data-channel]="channel.id"
        />
      }
    </section>
    <section class="columns">
      <app-valve-panel [readOnly]="readOnly()" />
      <app-alarm-panel [readOnly]="readOnly()" />
    </section>
  `,
  styles: `
    :host {
      display: grid;
      gap: 1rem;
    }
    .tiles {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr));
      gap: 1rem;
    }
    @media (max-width: 600px) {
      /* Phones: the tiles side by side, compact (process-tile.css). */
      .tiles {
        grid-template-columns: repeat(3, minmax(0, 1fr));
        gap: 0.4rem;
      }
    }
    .columns {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(19rem, 1fr));
      gap: 1rem;
      align-items: start;
    }
  `,
})
export class PlantOverview {
  protected readonly state = inject(RealtimeState);
  protected readonly i18n = inject(I18n);
  readonly readOnly = input(false);
}
