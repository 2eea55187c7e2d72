import type { FillEndCause, Interlock, Mode, OpenBlocker, Setpoints } from '@cryopilot/protocol';
import type {
  ControlInputs,
  ControlRequestResult,
  SignalInput,
  ValveDecision,
} from './control.types';
import { activeInterlocks, blocksManual } from './interlocks';

interface StepOutcome {
  open: boolean;
  reason: string;
  fillTimedOut?: boolean;
  /** What closes the valve, should it be open now. */
  cause?: FillEndCause;
}

const fmt = (v: number | null) => (v === null ? '—' : v.toFixed(1));

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
  /** Why the last manual open ended; shown until the next request, so nobody wonders. */
  private manualEndReason: string | null = null;
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

  /** Switching mode always ends a manual open; auto decides again on the next step. */
  setMode(mode: Mode): ControlRequestResult {
    const changed = mode !== this.mode;
    this.mode = mode;
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

  /** Ends a manual open that could not be carried out; the valve never opens later by itself. */
  cancelManualOpen(reason: string): void {
    if (this.manualUntilMono === null) return;
    this.manualUntilMono = null;
    this.manualEndReason = reason;
    // Only a failed valve write cancels: a hardware fault, like the interlock it raises.
    this.manualEndCause = 'interlock';
  }

  /**
   * Close now. In auto mode this also switches to manual, so that the valve stays closed
   * (like switching a fill controller to OFF) instead of reopening on the next tick.
   */
  requestClose(): ControlRequestResult {
    this.manualUntilMono = null;
    this.manualEndReason = 'manual: closed by operator';
    this.manualEndCause = 'operator';
    if (this.mode === 'auto') {
      this.mode = 'manual';
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
    const result =
      this.mode === 'auto'
        ? this.stepAuto(inputs, interlocks)
        : this.stepManual(inputs.mono, interlocks);
    const wasOpen = this.open;
    this.apply(result.open, inputs.mono);
    const manuallyOpen = this.open && this.manualUntilMono !== null;
    return {
      open: this.open,
      reason: result.reason,
      interlocks,
      manualUntilMono: manuallyOpen ? this.manualUntilMono : null,
      fillTimedOut: result.fillTimedOut ?? false,
      closedBy: wasOpen && !this.open ? (result.cause ?? 'operator') : null,
      openedBy: manuallyOpen ? this.manualBy : null,
    };
  }

  private stepAuto(inputs: ControlInputs, interlocks: readonly Interlock[]): StepOutcome {
    const sp = this.setpoints;
    const level = inputs.level.value;
    if (interlocks.length > 0) {
      const verb = this.open ? 'closed by interlock' : 'inhibited';
      return {
        open: false,
        reason: `${verb}: ${interlocks.join(', ')}`,
        cause: closeCauseOf(interlocks),
      };
    }
    if (level === null) return { open: false, reason: 'inhibited: no level', cause: 'interlock' };
    if (this.open) {
      if (level >= sp.fillStopPct) {
        return {
          open: false,
          reason: `fill complete: level ${fmt(level)} % ≥ ${sp.fillStopPct} %`,
          cause: 'stop_level',
        };
      }
      const fillS = (inputs.mono - (this.fillStartMono ?? inputs.mono)) / 1000;
      if (fillS > sp.maxFillS) {
        return {
          open: false,
          fillTimedOut: true,
          cause: 'max_time',
          reason: `fill timeout: no ${sp.fillStopPct} % after ${sp.maxFillS} s`,
        };
      }
      return { open: true, reason: `filling: level ${fmt(level)} % → ${sp.fillStopPct} %` };
    }
    if (level >= sp.fillStartPct) {
      return { open: false, reason: `idle: level ${fmt(level)} % ≥ ${sp.fillStartPct} %` };
    }
    const offS = this.lastCloseMono === null ? Infinity : (inputs.mono - this.lastCloseMono) / 1000;
    if (offS < sp.minOffS) {
      const left = Math.ceil(sp.minOffS - offS);
      return { open: false, reason: `waiting: minimum off time, ${left} s left` };
    }
    return { open: true, reason: `filling: level ${fmt(level)} % < ${sp.fillStartPct} %` };
  }

  private stepManual(mono: number, interlocks: readonly Interlock[]): StepOutcome {
    if (this.manualUntilMono === null) {
      return {
        open: false,
        reason: this.manualEndReason ?? 'manual: closed',
        cause: this.manualEndCause,
      };
    }
    const blocking = interlocks.filter(blocksManual);
    if (blocking.length > 0) {
      // The request is cancelled, not suspended: the valve never reopens by itself later.
      return this.endManualOpen(
        `manual open ended by interlock: ${blocking.join(', ')}`,
        closeCauseOf(blocking),
      );
    }
    if (mono >= this.manualUntilMono) {
      return this.endManualOpen('manual open ended: time elapsed', 'timer');
    }
    const leftS = Math.ceil((this.manualUntilMono - mono) / 1000);
    return { open: true, reason: `manual open: ${leftS} s left` };
  }

  private endManualOpen(reason: string, cause: FillEndCause): StepOutcome {
    this.manualUntilMono = null;
    this.manualEndReason = reason;
    this.manualEndCause = cause;
    return { open: false, reason, cause };
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
