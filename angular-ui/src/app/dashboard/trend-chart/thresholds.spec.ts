import { TestBed } from '@angular/core/testing';
import type { Setpoints } from '@cryopilot/protocol';
import { I18n } from '../../core/i18n/i18n';
import { thresholds } from './thresholds';

const setpoints = {
  o2LowLowPct: 18,
  o2LowPct: 19.5,
  fillStartPct: 30,
  fillStopPct: 80,
} as Setpoints;

describe('thresholds', () => {
  it.each([
    ['en', ['O2 trip 18 %vol', 'O2 low 19.5 %vol', 'Fill start 30 %', 'Fill stop 80 %']],
    [
      'fr',
      ['Coupure O2 18 %vol', 'O2 bas 19,5 %vol', 'Début remplissage 30 %', 'Fin remplissage 80 %'],
    ],
  ] as const)('labels each line in %s with the locale number format', (language, labels) => {
    const i18n = TestBed.inject(I18n);
    i18n.use(language);
    const lines = thresholds(setpoints, i18n.t, (v, d) => i18n.number(v, d));
    expect(lines.map((l) => l.label)).toEqual(labels);
    expect(lines.map((l) => [l.scale, l.value, l.tone, l.labelBelow])).toEqual([
      ['o2', 18, 'critical', true],
      ['o2', 19.5, 'warning', false],
      ['pct', 30, 'neutral', false],
      ['pct', 80, 'neutral', false],
    ]);
  });
});
