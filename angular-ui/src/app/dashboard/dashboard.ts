import { Component } from '@angular/core';
import { PlantOverview } from './plant-overview';
import { TrendChart } from './trend-chart/trend-chart';

/** The plant at a glance: process tiles, valve, alarms and the live trend. */
@Component({
  selector: 'app-dashboard',
  imports: [PlantOverview, TrendChart],
  template: `
    <app-plant-overview />
    <app-trend-chart />
  `,
  styles: `
    :host {
      display: grid;
      gap: 1rem;
    }
  `,
})
export class Dashboard {}
