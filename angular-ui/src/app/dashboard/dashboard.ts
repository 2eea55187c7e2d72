import { Component } from '@angular/core';
import { LogisticsPanel } from '../logistics/logistics-panel';
import { PlantOverview } from './plant-overview';
import { TrendChart } from './trend-chart/trend-chart';

/** The plant at a glance: process tiles, valve, alarms, the live trend and the LN2 supply. */
@Component({
  selector: 'app-dashboard',
  imports: [PlantOverview, TrendChart, LogisticsPanel],
  template: `
    <app-plant-overview />
    <app-trend-chart />
    <app-logistics-panel />
  `,
  styles: `
    :host {
      display: grid;
      gap: 1rem;
    }
  `,
})
export class Dashboard {}
