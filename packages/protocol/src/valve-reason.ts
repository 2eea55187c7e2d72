import { z } from 'zod';
import { Interlock, interlockSchema } from './interlocks';

/**
 * Why the valve is as it is, as a code with parameters: clients say it in their own language
 * (the operator page in English and French) with numbers in their locale. The valve state
 * carries the English sentence too (`reason`), for logs, MQTT dashboards and Home Assistant.
 */
export const VALVE_REASON_CODES = [
  'starting',
  'inhibited',
  'no_level',
  'closed_by_interlock',
  'fill_complete',
  'fill_timeout',
  'filling',
  'fill_start',
  'idle',
  'min_off',
  'manual_closed',
  'manual_closed_by_operator',
  'manual_open',
  'manual_ended_by_interlock',
  'manual_ended',
  'manual_write_failed',
] as const;
export const valveReasonCodeSchema = z.enum(VALVE_REASON_CODES);
export type ValveReasonCode = z.infer<typeof valveReasonCodeSchema>;

/** The parameters a reason may carry; which ones each code has is in `valveReasonText`. */
export const valveReasonParamsSchema = z.strictObject({
  /** The level now (%); null when unknown. */
  levelPct: z.number().nullable().optional(),
  fillStartPct: z.number().optional(),
  fillStopPct: z.number().optional(),
  maxFillS: z.number().optional(),
  /** Seconds left (minimum off time, manual open). */
  leftS: z.number().optional(),
  interlocks: z.array(interlockSchema).optional(),
});
export type ValveReasonParams = z.infer<typeof valveReasonParamsSchema>;

export interface ValveReason {
  readonly code: ValveReasonCode;
  readonly params: ValveReasonParams;
}

const level = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : v.toFixed(1);
const list = (interlocks: readonly Interlock[] | undefined) => (interlocks ?? []).join(', ');

/** The English sentence of a reason (the `reason` field; stable: consumers may match it). */
export function valveReasonText({ code, params: p }: ValveReason): string {
  switch (code) {
    case 'starting':
      return 'starting: valve in safe state';
    case 'inhibited':
      return `inhibited: ${list(p.interlocks)}`;
    case 'no_level':
      return 'inhibited: no level';
    case 'closed_by_interlock':
      return `closed by interlock: ${list(p.interlocks)}`;
    case 'fill_complete':
      return `fill complete: level ${level(p.levelPct)} % ≥ ${p.fillStopPct} %`;
    case 'fill_timeout':
      return `fill timeout: no ${p.fillStopPct} % after ${p.maxFillS} s`;
    case 'filling':
      return `filling: level ${level(p.levelPct)} % → ${p.fillStopPct} %`;
    case 'fill_start':
      return `filling: level ${level(p.levelPct)} % < ${p.fillStartPct} %`;
    case 'idle':
      return `idle: level ${level(p.levelPct)} % ≥ ${p.fillStartPct} %`;
    case 'min_off':
      return `waiting: minimum off time, ${p.leftS} s left`;
    case 'manual_closed':
      return 'manual: closed';
    case 'manual_closed_by_operator':
      return 'manual: closed by operator';
    case 'manual_open':
      return `manual open: ${p.leftS} s left`;
    case 'manual_ended_by_interlock':
      return `manual open ended by interlock: ${list(p.interlocks)}`;
    case 'manual_ended':
      return 'manual open ended: time elapsed';
    case 'manual_write_failed':
      return 'manual open cancelled: valve write failed';
  }
}

/** A reason with its parameters (the valve controller's and the runtime's shorthand). */
export const valveReason = (
  code: ValveReasonCode,
  params: ValveReasonParams = {},
): ValveReason => ({
  code,
  params,
});
