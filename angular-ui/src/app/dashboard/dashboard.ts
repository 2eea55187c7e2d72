import { Component, inject } from '@angular/core';
import { RealtimeState } from '../core/realtime/realtime-state';
import { AlarmPanel } from '../alarms/alarm-panel/alarm-panel';
import { ValvePanel } from '../control/valve-panel/valve-panel';
import { ProcessTile } from './process-tile/process-tile';
import { TrendChart } from './trend-chart/trend-chart';

/** The plant at a glance: process tiles, valve, alarms and the live trend. */
@Component({
  selector: 'app-dashboard',
  imports: [ProcessTile, ValvePanel, AlarmPanel, TrendChart],
  template: `
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
      <app-valve-panel />
      <app-alarm-panel />
    </section>
    <app-trend-chart />
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
export class Dashboard {
  protected readonly state = inject(RealtimeState);
}
