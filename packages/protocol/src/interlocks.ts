import { z } from 'zod';

/**
 * Reasons why the valve may not open. Each is shown to the operator and published.
 * `startup`: level not yet good for enough samples since start.
 */
export const INTERLOCKS = [
  'startup',
  'hardware_fault',
  'level_sensor_fault',
  'level_high_high',
  'o2_low_low',
  'o2_unavailable',
  'o2_under_test',
  'fill_timeout',
] as const;
export const interlockSchema = z.enum(INTERLOCKS);
export type Interlock = z.infer<typeof interlockSchema>;
