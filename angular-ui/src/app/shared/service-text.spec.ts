import { TestBed } from '@angular/core/testing';
import { I18n } from '../core/i18n/i18n';
import { humanDuration } from './duration';
import { alarmText, serviceText } from './service-text';

function i18nIn(language: 'en' | 'fr'): I18n {
  const i18n = TestBed.inject(I18n);
  i18n.use(language);
  return i18n;
}

describe('serviceText: no raw codes from the service in the page (issue 11)', () => {
  it.each([
    ['inhibited: o2_unavailable', 'Filling held off: O2 unavailable'],
    [
      'closed by interlock: level_sensor_fault, o2_low_low',
      'Closed by interlock: level sensor fault, O2 trip latched',
    ],
    ['filling: level 42.3 % → 80 %', 'Filling: level 42.3 % → 80 %'],
    ['manual open: 12 s left', 'Manual open: 12 s left'],
    ['mode set to manual', 'Manual mode on'],
  ])('%s → %s', (raw, said) => {
    expect(serviceText(i18nIn('en'), raw)).toBe(said);
  });

  it('in French, with numbers in the French locale', () => {
    const fr = i18nIn('fr');
    expect(serviceText(fr, 'idle: level 42.3 % ≥ 20 %')).toBe('En attente : niveau 42,3 % ≥ 20 %');
    expect(serviceText(fr, 'inhibited: o2_unavailable')).toBe(
      'Remplissage bloqué : O2 indisponible',
    );
  });

  it('shows a phrase it does not know unchanged, and an unknown code as it is', () => {
    const en = i18nIn('en');
    expect(serviceText(en, 'a brand new reason')).toBe('a brand new reason');
    expect(serviceText(en, 'inhibited: new_interlock')).toBe('Filling held off: new_interlock');
  });

  it('says alarms by their id, the service words for an unknown id', () => {
    const fr = i18nIn('fr');
    expect(alarmText(fr, { id: 'o2_low', message: 'Oxygen low' })).toBe('Oxygène bas');
    expect(alarmText(fr, { id: 'new_alarm', message: 'New alarm' })).toBe('New alarm');
  });
});

describe('humanDuration', () => {
  it.each([
    [0, '0 s'],
    [42, '42 s'],
    [125, '2 min 5 s'],
    [7_500, '2 h 5 min'],
    [273_600, '3 d 4 h'],
    [86_400, '1 d'],
  ])('%d s → %s', (seconds, said) => {
    expect(humanDuration(i18nIn('en'), seconds)).toBe(said);
  });

  it('in French', () => {
    expect(humanDuration(i18nIn('fr'), 273_600)).toBe('3 j 4 h');
  });
});
