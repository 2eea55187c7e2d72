import {
  valveReason,
  valveReasonText,
  type FillEndCause,
  type Interlock,
  type Mode,
  type OpenBlocker,
  type Setpoints,
  type ValveReason,
} from '@cryopilot/protocol';
import type {
  ControlInputs,
  ControlRequestResult,
  SignalInput,
  ValveDecision,
} from './control.types';
import { activeInterlocks, blocksManual } from './interlocks';

interface StepOutcome {
  open: boolean;
  why: ValveReason;
  fillTimedOut?: boolean;
  /** What closes the valve, should it be open now. */
  cause?: FillEndCause;
}

/**
 * The valve decision, pure and synchronous: level control with hysteresis, minimum off time,
 * fill timeout, interlocks, manual mode with timed opens. Starts closed and in auto mode.
 *
 * It never touches hardware; the loop feeds it inputs each tick and writes its decision.
 * Between ticks, operator requests change its intent; the loop re-evaluates right after them.
 */
export class ValveController {
  private mode: Mode = 'auto';
  private open = false;
  private fillStartMono: number | null = null;
  private lastCloseMono: number | null = null;
  private manualUntilMono: number | null = null;
  /** Since when the mode is manual (control clock); null in auto. */
  private manualSinceMono: number | null = null;
  /** Why the last manual open ended; shown until the next request, so nobody wonders. */
  private manualEndReason: ValveReason | null = null;
  /** The same as a code, for the fill history. */
  private manualEndCause: FillEndCause = 'operator';
  /** Who asked for the current manual open. */
  private manualBy: string | null = null;
  private goodLevelSamples = 0;
  private startupDone = false;
  private lastInterlocks: readonly Interlock[] = ['startup'];

  constructor(
    private setpoints: Setpoints,
    /** Consecutive good level samples required before the first fill after start-up. */
    private readonly startupGoodSamples = 3,
  ) {}

  get currentMode(): Mode {
    return this.mode;
  }

  get isOpen(): boolean {
    return this.open;
  }

  updateSetpoints(setpoints: Setpoints): void {
    this.setpoints = setpoints;
  }

  /**
   * When manual mode returns to auto by itself (`manualAutoReturnS`), on the control clock;
   * null in auto or when it is off. A manual open running then ends first.
   */
  autoReturnMono(): number | null {
    if (this.mode !== 'manual' || this.manualSinceMono === null) return null;
    const afterS = this.setpoints.manualAutoReturnS;
    return afterS > 0 ? this.manualSinceMono + afterS * 1000 : null;
  }

  /**
   * Switching mode always ends a manual open; auto decides again on the next step. `mono`
   * starts manual mode's clock for the return to auto.
   */
  setMode(mode: Mode, mono: number): ControlRequestResult {
    const changed = mode !== this.mode;
    this.mode = mode;
    if (mode === 'auto') this.manualSinceMono = null;
    else if (changed || this.manualSinceMono === null) this.manualSinceMono = mono;
    this.manualUntilMono = null;
    this.manualEndReason = null;
    this.manualEndCause = 'operator';
    return { ok: true, message: changed ? `mode set to ${mode}` : `mode already ${mode}` };
  }

  /** A timed manual open; refused in auto mode and while an interlock forbids it. */
  requestManualOpen(
    durationS: number | undefined,
    mono: number,
    user: string | null = null,
  ): ControlRequestResult {
    if (this.mode !== 'manual') {
      return { ok: false, code: 'refused', message: 'valve.open needs manual mode' };
    }
    const seconds = durationS ?? this.setpoints.manualOpenDefaultS;
    if (seconds > this.setpoints.manualOpenMaxS) {
      return {
        ok: false,
        code: 'invalid_args',
        message: `durationS must be <= ${this.setpoints.manualOpenMaxS} (manualOpenMaxS)`,
      };
    }
    const blocking = this.manualOpenBlockers().filter((b) => b !== 'auto_mode');
    if (blocking.length > 0) {
      return { ok: false, code: 'refused', message: `interlock active: ${blocking.join(', ')}` };
    }
    this.manualUntilMono = mono + seconds * 1000;
    this.manualEndReason = null;
    this.manualBy = user;
    return { ok: true, message: `valve open for ${seconds} s` };
  }

  /**
   * What keeps `valve.open` from being accepted now: auto mode, or an interlock that blocks
   * manual opens (all but `fill_timeout`). Published with the valve state, so clients show the
   * service's own rule.
   */
  manualOpenBlockers(): OpenBlocker[] {
    const blockers: OpenBlocker[] = this.lastInterlocks.filter(blocksManual);
    return this.mode === 'manual' ? blockers : ['auto_mode', ...blockers];
  }

  /** Ends a manual open whose valve write failed; the valve never opens later by itself. */
  cancelManualOpen(): void {
    if (this.manualUntilMono === null) return;
    this.manualUntilMono = null;
    this.manualEndReason = valveReason('manual_write_failed');
    // Only a failed valve write cancels: a hardware fault, like the interlock it raises.
    this.manualEndCause = 'interlock';
  }

  /**
   * Close now. In auto mode this also switches to manual, so that the valve stays closed
   * (like switching a fill controller to OFF) instead of reopening on the next tick.
   */
  requestClose(mono: number): ControlRequestResult {
    this.manualUntilMono = null;
    this.manualEndReason = valveReason('manual_closed_by_operator');
    this.manualEndCause = 'operator';
    if (this.mode === 'auto') {
      this.mode = 'manual';
      this.manualSinceMono = mono;
      return { ok: true, message: 'valve closed; mode switched to manual' };
    }
    return { ok: true, message: 'valve closed' };
  }

  /**
   * One control step. Must be called every sample period (`newSample`), and may be called
   * again between samples to apply an operator request at once: only new samples count
   * towards the good level samples that end start-up.
   */
  step(inputs: ControlInputs, newSample = true): ValveDecision {
    if (newSample) this.trackStartup(inputs.level);
    const interlocks = activeInterlocks(inputs, this.setpoints, this.startupDone);
    this.lastInterlocks = interlocks;
    // On samples only: the tick listeners (audit, log) hear of it with that sample.
    const returnedToAuto = newSample && this.returnToAutoIfDue(inputs.mono);
    const result =
      this.mode === 'auto'
        ? this.stepAuto(inputs, interlocks)
        : this.stepManual(inputs.mono, interlocks);
    const wasOpen = this.open;
    this.apply(result.open, inputs.mono);
    const manuallyOpen = this.open && this.manualUntilMono !== null;
    return {
      open: this.open,
      reason: valveReasonText(result.why),
      why: result.why,
      interlocks,
      manualUntilMono: manuallyOpen ? this.manualUntilMono : null,
      fillTimedOut: result.fillTimedOut ?? false,
      closedBy: wasOpen && !this.open ? (result.cause ?? 'operator') : null,
      openedBy: manuallyOpen ? this.manualBy : null,
      returnedToAuto,
    };
  }

  /**
   * Manual mode's optional time limit: once `manualAutoReturnS` has passed and no manual open
   * runs (a watched fill is never cut short by it), auto takes over — with every interlock as
   * ever. A forgotten "keep closed" must not let the dewar run dry.
   */
  private returnToAutoIfDue(mono: number): boolean {
    const due = this.autoReturnMono();
    if (due === null || mono < due || this.manualUntilMono !== null) return false;
    this.mode = 'auto';
    this.manualSinceMono = null;
    this.manualEndReason = null;
    this.manualEndCause = 'operator';
    return true;
  }

  private stepAuto(inputs: ControlInputs, interlocks: readonly Interlock[]): StepOutcome {
    const sp = this.setpoints;
    const level = inputs.level.value;
    if (interlocks.length > 0) {
      return {
        open: false,
        why: valveReason(this.open ? 'closed_by_interlock' : 'inhibited', {
          interlocks: [...interlocks],
        }),
        cause: closeCauseOf(interlocks),
      };
    }
    if (level === null) return { open: false, why: valveReason('no_level'), cause: 'interlock' };
    // As said to people: to 0.1 % (the sentence's precision, and the page's).
    const levelPct = Math.round(level * 10) / 10;
    if (this.open) {
      if (level >= sp.fillStopPct) {
        return {
          open: false,
          why: valveReason('fill_complete', { levelPct, fillStopPct: sp.fillStopPct }),
          cause: 'stop_level',
        };
      }
      const fillS = (inputs.mono - (this.fillStartMono ?? inputs.mono)) / 1000;
      if (fillS > sp.maxFillS) {
        return {
          open: false,
          fillTimedOut: true,
          cause: 'max_time',
          why: valveReason('fill_timeout', { fillStopPct: sp.fillStopPct, maxFillS: sp.maxFillS }),
        };
      }
      return { open: true, why: valveReason('filling', { levelPct, fillStopPct: sp.fillStopPct }) };
    }
    if (level >= sp.fillStartPct) {
      return { open: false, why: valveReason('idle', { levelPct, fillStartPct: sp.fillStartPct }) };
    }
    const offS = this.lastCloseMono === null ? Infinity : (inputs.mono - this.lastCloseMono) / 1000;
    if (offS < sp.minOffS) {
      const left = Math.ceil(sp.minOffS - offS);
      return { open: false, why: valveReason('min_off', { leftS: left }) };
    }
    return {
      open: true,
      why: valveReason('fill_start', { levelPct, fillStartPct: sp.fillStartPct }),
    };
  }

  private stepManual(mono: number, interlocks: readonly Interlock[]): StepOutcome {
    if (this.manualUntilMono === null) {
      return {
        open: false,
        why: this.manualEndReason ?? valveReason('manual_closed'),
        cause: this.manualEndCause,
      };
    }
    const blocking = interlocks.filter(blocksManual);
    if (blocking.length > 0) {
      // The request is cancelled, not suspended: the valve never reopens by itself later.
      return this.endManualOpen(
        valveReason('manual_ended_by_interlock', { interlocks: blocking }),
        closeCauseOf(blocking),
      );
    }
    if (mono >= this.manualUntilMono) {
      return this.endManualOpen(valveReason('manual_ended'), 'timer');
    }
    const leftS = Math.ceil((this.manualUntilMono - mono) / 1000);
    return { open: true, why: valveReason('manual_open', { leftS }) };
  }

  private endManualOpen(why: ValveReason, cause: FillEndCause): StepOutcome {
    this.manualUntilMono = null;
    this.manualEndReason = why;
    this.manualEndCause = cause;
    return { open: false, why, cause };
  }

  private trackStartup(level: SignalInput): void {
    if (this.startupDone) return;
    this.goodLevelSamples = level.quality === 'good' ? this.goodLevelSamples + 1 : 0;
    this.startupDone = this.goodLevelSamples >= this.startupGoodSamples;
  }

  private apply(open: boolean, mono: number): void {
    if (open && !this.open) this.fillStartMono = mono;
    if (!open && this.open) {
      this.lastCloseMono = mono;
      this.fillStartMono = null;
    }
    this.open = open;
  }
}

/** A latched safety trip is named as such in the fill history; any other interlock is one. */
function closeCauseOf(interlocks: readonly Interlock[]): FillEndCause {
  if (interlocks.includes('o2_low_low')) return 'trip';
  return 'interlock';
}
