import { TestBed } from '@angular/core/testing';
import { VALVE_REASON_CODES, type ValveReasonCode } from '@cryopilot/protocol';
import { I18n } from '../core/i18n/i18n';
import { valveReasonText } from './valve-reason-text';

function i18nIn(language: 'en' | 'fr'): I18n {
  const i18n = TestBed.inject(I18n);
  i18n.use(language);
  return i18n;
}

/** Every parameter any code takes, so each sentence has what it needs. */
const ALL_PARAMS = {
  levelPct: 18.04,
  fillStartPct: 20,
  fillStopPct: 80,
  maxFillS: 1800,
  leftS: 42,
  interlocks: ['o2_low_low' as const, 'level_sensor_fault' as const],
};

describe('valveReasonText: the valve reason from code + parameters (issue 11)', () => {
  it.each(['en', 'fr'] as const)(
    'says every code the service can send in %s, with no placeholder or raw code left',
    (language) => {
      const i18n = i18nIn(language);
      for (const code of VALVE_REASON_CODES) {
        const text = valveReasonText(i18n, {
          reason: 'x',
          reasonCode: code,
          reasonParams: ALL_PARAMS,
        });
        expect(text).not.toBe('x');
        expect(text).not.toMatch(/\{p\d\}|_/);
      }
    },
  );

  it('formats numbers by locale: the level to 0.1 %, setpoints as set', () => {
    const reason = { reason: '', reasonCode: 'fill_start' as const, reasonParams: ALL_PARAMS };
    expect(valveReasonText(i18nIn('en'), reason)).toBe('Filling: level 18.0 % < 20 %');
    expect(
      valveReasonText(i18nIn('fr'), {
        ...reason,
        reasonParams: { levelPct: 42.25, fillStartPct: 20.5 },
      }),
    ).toBe('Remplissage : niveau 42,3 % < 20,5 %');
  });

  it('names interlocks in words', () => {
    const text = valveReasonText(i18nIn('en'), {
      reason: '',
      reasonCode: 'inhibited',
      reasonParams: { interlocks: ['o2_unavailable'] },
    });
    expect(text).toBe('Filling held off: O2 unavailable');
  });

  it("falls back to the service's sentence for a code it does not know (a newer service)", () => {
    const newer = {
      reason: 'idle: level 42.3 % ≥ 20 %',
      reasonCode: 'defrosting' as ValveReasonCode,
      reasonParams: {},
    };
    expect(valveReasonText(i18nIn('en'), newer)).toBe('Idle: level 42.3 % ≥ 20 %');
  });
});
