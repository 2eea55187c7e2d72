import { defaultAlarmDefinitions, isShelvable } from './alarm-definition';

describe('the default alarm set (design/safety.md, "Alarms")', () => {
  const byId = (o2OnDelayS = 10) =>
    Object.fromEntries(defaultAlarmDefinitions(o2OnDelayS).map((d) => [d.id, d]));

  it('has every alarm of the design, each once', () => {
    const ids = defaultAlarmDefinitions(10).map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(
      [
        'fill_timeout',
        'hardware_fault',
        'level_high_high',
        'level_low',
        'level_sensor_fault',
        'mqtt_outbox_overflow',
        'notification_outbox_overflow',
        'o2_high',
        'o2_low',
        'o2_low_low',
        'o2_sensor_fault',
        'supply_voltage',
        'telemetry_outbox_overflow',
        'disk_space_low',
        'boiloff_high',
        'supply_slow',
        'o2_maintenance_due',
      ].sort(),
    );
  });

  it('latches exactly the trips: o2_low_low and fill_timeout', () => {
    const latching = defaultAlarmDefinitions(10)
      .filter((d) => d.latching)
      .map((d) => d.id);
    expect(latching.sort()).toEqual(['fill_timeout', 'o2_low_low']);
  });

  it('o2_low_low, level_high_high and hardware_fault are critical (never shelved)', () => {
    const defs = byId();
    const critical = Object.values(defs)
      .filter((d) => d.severity === 'critical')
      .map((d) => d.id);
    expect(critical.sort()).toEqual(['hardware_fault', 'level_high_high', 'o2_low_low']);
    expect(isShelvable(defs.o2_low_low)).toBe(false);
    expect(isShelvable(defs.o2_low)).toBe(true);
  });

  it('o2_low and o2_high take their on-delay from the setpoints; the O2 trip acts at once', () => {
    const defs = byId(25);
    expect(defs.o2_low.onDelayS).toBe(25);
    expect(defs.o2_high.onDelayS).toBe(25);
    expect(defs.o2_low_low.onDelayS).toBe(0);
    expect(defs.supply_voltage.onDelayS).toBe(5);
  });

  it('the consumption advisories are info, with delays against a borderline figure', () => {
    expect(byId()).toMatchObject({
      boiloff_high: { severity: 'info', latching: false, onDelayS: 60, offDelayS: 600 },
      supply_slow: { severity: 'info', latching: false, onDelayS: 0, offDelayS: 600 },
      o2_maintenance_due: { severity: 'info', latching: false, onDelayS: 0, offDelayS: 0 },
    });
  });

  it('every other alarm has no on- or off-delay, and says what it means', () => {
    for (const d of defaultAlarmDefinitions(10)) {
      if (['boiloff_high', 'supply_slow', 'o2_maintenance_due'].includes(d.id)) continue;
      expect(d.offDelayS).toBe(0);
      if (!['o2_low', 'o2_high', 'supply_voltage'].includes(d.id)) expect(d.onDelayS).toBe(0);
    }
    expect(byId()).toMatchObject({
      o2_low: { severity: 'warning', message: 'Oxygen low' },
      o2_low_low: {
        severity: 'critical',
        message: 'Oxygen dangerously low: evacuate, fill inhibited',
      },
      o2_high: { severity: 'warning', message: 'Oxygen high (enrichment or sensor error)' },
      o2_sensor_fault: { severity: 'warning', message: 'Oxygen sensor fault' },
      level_low: { severity: 'warning', message: 'LN2 level low' },
      level_high_high: { message: 'LN2 level too high: valve forced closed' },
      level_sensor_fault: { severity: 'warning', message: 'LN2 level sensor fault: valve closed' },
      fill_timeout: {
        severity: 'warning',
        message: 'Fill timeout: auto fill inhibited until reset',
      },
      hardware_fault: { message: 'I/O card not responding: valve in safe state' },
      supply_voltage: { severity: 'warning', message: 'HAT supply voltage out of range' },
      telemetry_outbox_overflow: {
        severity: 'warning',
        message: 'Telemetry data lost: buffer full or disk refused writes',
      },
      mqtt_outbox_overflow: {
        severity: 'warning',
        message: 'MQTT data lost: buffer full or disk refused writes',
      },
      disk_space_low: {
        severity: 'warning',
        message: 'Data disk almost full: free space before writes fail',
      },
    });
  });
});
