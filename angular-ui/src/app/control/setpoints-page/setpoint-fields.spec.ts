import { TestBed } from '@angular/core/testing';
import {
  DEFAULT_SETPOINTS,
  issueFields,
  setpointFields,
  setpointsSchema,
  TRIP_SETTING_FIELDS,
} from '@cryopilot/protocol';
import { I18n } from '../../core/i18n/i18n';
import {
  ALL_FIELDS,
  changedSetpoints,
  checkField,
  helpKey,
  labelKey,
  parseDecimal,
  SETPOINT_GROUPS,
  TRIP_FIELDS,
} from './setpoint-fields';
import { serverFieldText } from './server-field-text';

describe('setpoint fields', () => {
  it('edits the safety trips apart, exactly the protocol’s trip settings', () => {
    expect(TRIP_FIELDS.map((f) => f.key).sort()).toEqual([...TRIP_SETTING_FIELDS].sort());
    const operating = SETPOINT_GROUPS.flatMap((g) => g.fields.map((f) => f.key));
    for (const trip of TRIP_SETTING_FIELDS) expect(operating).not.toContain(trip);
  });

  it('offers every setpoint the service has, each once: a new one cannot be forgotten', () => {
    expect(ALL_FIELDS.map((f) => f.key).sort()).toEqual(Object.keys(setpointFields).sort());
  });

  it.each(ALL_FIELDS.map((f) => [f.key, f] as const))(
    '%s: the page’s range is exactly the service’s',
    (key, field) => {
      const schema = setpointFields[key];
      expect(schema.safeParse(field.min).success).toBe(true);
      expect(schema.safeParse(field.max).success).toBe(true);
      const step = 10 ** -(field.decimals + 1);
      expect(schema.safeParse(field.min - step).success).toBe(false);
      expect(schema.safeParse(field.max + step).success).toBe(false);
    },
  );

  it.each(['en', 'fr'] as const)('every setpoint has a label and a line of help in %s', (lang) => {
    const i18n = TestBed.inject(I18n);
    i18n.use(lang);
    for (const f of ALL_FIELDS) {
      expect(i18n.has(labelKey(f.key))).toBe(true);
      expect(i18n.has(helpKey(f.key))).toBe(true);
    }
  });

  it('takes numbers as people type them, a decimal comma too, and nothing else', () => {
    expect(parseDecimal(' 19.5 ')).toBe(19.5);
    expect(parseDecimal('19,5')).toBe(19.5);
    expect(parseDecimal('20')).toBe(20);
    expect(parseDecimal('.5')).toBe(0.5);
    for (const bad of ['', '1e3', '19.5.1', '1 000', '86,400,0', 'abc', '12%']) {
      expect(parseDecimal(bad)).toBeNull();
    }
  });

  it('checks a value against its range; a value with more decimals than shown is no problem', () => {
    const o2Low = ALL_FIELDS.find((f) => f.key === 'o2LowPct')!;
    expect(checkField(o2Low, '19,55')).toBeNull();
    expect(checkField(o2Low, '18.9')).toEqual({ kind: 'range', min: 19, max: 20.5 });
    expect(checkField(o2Low, 'x')).toEqual({ kind: 'not_number' });
  });

  it('sends only what changed, and refuses to send what is not a number', () => {
    expect(changedSetpoints(DEFAULT_SETPOINTS, { fillStartPct: '25', fillStopPct: '80' })).toEqual({
      fillStartPct: 25,
    });
    expect(changedSetpoints(DEFAULT_SETPOINTS, { o2LowPct: '19,7' })).toEqual({ o2LowPct: 19.7 });
    expect(changedSetpoints(DEFAULT_SETPOINTS, { minOffS: '' })).toEqual({ invalid: 'minOffS' });
  });

  it('says the service’s combination rules in French, naming the other setpoint', () => {
    const i18n = TestBed.inject(I18n);
    i18n.use('fr');
    expect(serverFieldText(i18n, 'must be > fillStartPct')).toBe(
      'Doit être supérieur à « Niveau de début de remplissage ».',
    );
    expect(serverFieldText(i18n, 'must be >= fillStopPct + 2 %')).toBe(
      'Doit dépasser « Niveau de fin de remplissage » d’au moins 2 %.',
    );
    expect(serverFieldText(i18n, 'must be 0 (stay in manual) or >= 60 s')).toBe(
      '0 (rester en manuel) ou au moins 60 s.',
    );
    expect(serverFieldText(i18n, 'something new')).toBe('something new');
  });

  it('recognises every combination rule the service has today, in its own words', () => {
    const i18n = TestBed.inject(I18n);
    i18n.use('en');
    const broken = [
      { levelLowPct: 30 },
      { fillStartPct: 85 },
      { levelHighHighPct: 81 },
      { o2LowLowPct: 19.5, o2LowPct: 19.5 },
      { manualOpenDefaultS: 900 },
      { manualAutoReturnS: 30 },
    ];
    for (const patch of broken) {
      const result = setpointsSchema.safeParse({ ...DEFAULT_SETPOINTS, ...patch });
      expect(result.success).toBe(false);
      if (result.success) continue;
      for (const message of Object.values(issueFields(result.error))) {
        expect(serverFieldText(i18n, message)).not.toBe(message);
      }
    }
  });
});
