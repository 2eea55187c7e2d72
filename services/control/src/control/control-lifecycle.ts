/** Starting and stopping the loop: the root module starts it; fatal handlers stop it. */
export abstract class ControlLifecycle {
  /** Starts the periodic ticks (once every tick listener is subscribed). */
  abstract startTicking(): void;
  /** Valve to the safe state and loop stopped; never throws. */
  abstract emergencyStop(reason: string): Promise<void>;
}
