import type { Severity } from '@cryopilot/protocol';

/** Static description of one alarm. */
export interface AlarmDefinition {
  readonly id: string;
  readonly severity: Severity;
  readonly message: string;
  /** Stays `latched` after the condition clears until an operator resets it. */
  readonly latching: boolean;
  /** The condition must hold this long before the alarm raises (s). */
  readonly onDelayS: number;
  /** The condition must be gone this long before the alarm clears (s). */
  readonly offDelayS: number;
}

/** Critical alarms can never be shelved (docs/safety.md). */
export function isShelvable(def: AlarmDefinition): boolean {
  return def.severity !== 'critical';
}

/** The default alarm set; on-delays of O2 warnings come from setpoints. */
export function defaultAlarmDefinitions(o2AlarmOnDelayS: number): AlarmDefinition[] {
  const def = (
    id: string,
    severity: Severity,
    message: string,
    extra: Partial<AlarmDefinition> = {},
  ): AlarmDefinition => ({
    id,
    severity,
    message,
    latching: false,
    onDelayS: 0,
    offDelayS: 0,
    ...extra,
  });
  return [
    def('o2_low', 'warning', 'Oxygen low', { onDelayS: o2AlarmOnDelayS }),
    def('o2_low_low', 'critical', 'Oxygen dangerously low: evacuate, fill inhibited', {
      latching: true,
    }),
    def('o2_high', 'warning', 'Oxygen high (enrichment or sensor error)', {
      onDelayS: o2AlarmOnDelayS,
    }),
    def('o2_sensor_fault', 'warning', 'Oxygen sensor fault'),
    def('level_low', 'warning', 'LN2 level low'),
    def('level_high_high', 'critical', 'LN2 level too high: valve forced closed'),
    def('level_sensor_fault', 'warning', 'LN2 level sensor fault: valve closed'),
    def('fill_timeout', 'warning', 'Fill timeout: auto fill inhibited until reset', {
      latching: true,
    }),
    def('hardware_fault', 'critical', 'I/O card not responding: valve in safe state'),
    def('supply_voltage', 'warning', 'HAT supply voltage out of range', { onDelayS: 5 }),
    def(
      'telemetry_outbox_overflow',
      'warning',
      'Telemetry data lost: buffer full or disk refused writes',
    ),
    def(
      'notification_outbox_overflow',
      'warning',
      "Notifications lost: a channel's buffer was full or the disk refused writes",
    ),
    def('mqtt_outbox_overflow', 'warning', 'MQTT data lost: buffer full or disk refused writes'),
    def('disk_space_low', 'warning', 'Data disk almost full: free space before writes fail'),
    // Advisories from the consumption figures (consumption/): never interlocks. Their
    // conditions move at most once per timeline entry; the delays keep a borderline figure
    // from raising and clearing on consecutive entries.
    def('boiloff_high', 'info', 'LN2 consumption well above its usual rate: check the vacuum', {
      onDelayS: 60,
      offDelayS: 600,
    }),
    def('supply_slow', 'info', 'Fills slower than usual: check the supply dewar and the line', {
      onDelayS: 0,
      offDelayS: 600,
    }),
    def('o2_maintenance_due', 'info', 'O2 sensor maintenance due: bump test, calibration or cell'),
  ];
}
