import { TestBed } from '@angular/core/testing';
import { I18n, labelIn } from './i18n';

describe('channel labels by language (issue 11)', () => {
  const channel = { label: 'O2 sensor 1', labels: { fr: 'Capteur O2 1' } };

  it('takes the label of the language, else the configured one', () => {
    expect(labelIn(channel, 'fr')).toBe('Capteur O2 1');
    expect(labelIn(channel, 'en')).toBe('O2 sensor 1');
    expect(labelIn({ label: 'Dewar 2' }, 'fr')).toBe('Dewar 2');
    // A blank translation in a hand-written config is no label at all.
    expect(labelIn({ label: 'Dewar 2', labels: { fr: '  ' } }, 'fr')).toBe('Dewar 2');
  });

  it('follows the language switch', () => {
    const i18n = TestBed.inject(I18n);
    i18n.use('fr');
    expect(i18n.label(channel)).toBe('Capteur O2 1');
    i18n.use('en');
    expect(i18n.label(channel)).toBe('O2 sensor 1');
  });
});
