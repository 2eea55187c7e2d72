import type { Setpoints } from '@cryopilot/protocol';
import type { Clock } from '../clock/clock';
import type { ControlConfig } from '../config/config.slices';
import type { MegaindCard } from '../hardware/megaind/megaind-card';
import type { ValveOutput } from '../hardware/valve-output';
import { ControlLoop, ControlStateSink, LoopLogger } from './control-loop';
import { ControlRuntime, PersistentControlState } from './control-runtime';

export interface ControlLoopParts {
  readonly config: ControlConfig;
  /** The current setpoints (config over defaults, overridden by the persisted ones). */
  readonly setpoints: Setpoints;
  readonly card: MegaindCard;
  readonly valveOutput: ValveOutput;
  readonly clock: Clock;
  readonly logger: LoopLogger;
  /** Where mode and latched trips are saved; null keeps them in memory only. */
  readonly stateSink: ControlStateSink | null;
  /** What was saved before a restart. */
  readonly restored: PersistentControlState;
}

/**
 * The control loop wired from the config: runtime (signals, valve controller, alarm book) with
 * the restored mode and latched trips, around the card and the valve output. One place for
 * the service and for the closed-loop tests, so both run exactly the same loop.
 */
export function createControlLoop(parts: ControlLoopParts): ControlLoop {
  const { config, clock } = parts;
  const runtime = new ControlRuntime(
    {
      channels: config.channels,
      setpoints: parts.setpoints,
      alarmLimits: config.alarms,
      startupGoodSamples: config.control.startupGoodSamples,
    },
    clock.now(),
  );
  runtime.restore(parts.restored, clock.now());
  return new ControlLoop(
    runtime,
    parts.card,
    parts.valveOutput,
    clock,
    {
      watchdog: config.hardware.watchdog,
      diagnosticsPeriodS: config.hardware.diagnosticsPeriodS,
      maxConsecutiveFailures: config.control.maxConsecutiveFailures,
    },
    parts.logger,
    parts.stateSink,
  );
}
