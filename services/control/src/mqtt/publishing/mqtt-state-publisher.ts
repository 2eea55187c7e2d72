import type { Alarm, ChannelReading, Severity, ValveState } from '@cryopilot/protocol';
import type { MqttConnection } from '../link/mqtt-connection';
import { buildDiscovery } from './ha-discovery';
import type { MqttTopics } from './mqtt-topics';
import { RetainedStateGate } from './retained-state-gate';

/** The current state, read from the control runtime. */
export interface CurrentState {
  readonly readings: readonly ChannelReading[];
  readonly valve: ValveState;
  /** Alarms not in the normal state (the `alarms/state` payload). */
  readonly alarms: readonly Alarm[];
}

export interface StatePublisherOptions {
  readonly topics: MqttTopics;
  readonly deviceId: string;
  readonly channels: readonly {
    readonly id: string;
    readonly label: string;
    readonly unit: string;
    readonly range: { readonly min: number; readonly max: number };
  }[];
  /** Every alarm of the alarm book (one Home Assistant binary sensor each). */
  readonly alarms: readonly {
    readonly id: string;
    readonly severity: Severity;
    readonly message: string;
  }[];
}

const RETAINED = { qos: 1, retain: true } as const;

/**
 * The retained side of the contract: birth (`status` = `online`), channel, valve and alarm
 * states, and Home Assistant discovery. Everything after each (re)connect and each Home
 * Assistant restart; afterwards only what changed (see `RetainedStateGate`).
 */
export class MqttStatePublisher {
  private readonly gate = new RetainedStateGate();
  private readonly spans: ReadonlyMap<string, number>;

  constructor(
    private readonly options: StatePublisherOptions,
    private readonly onError: (message: string) => void,
  ) {
    this.spans = new Map(options.channels.map((c) => [c.id, c.range.max - c.range.min]));
  }

  /** Birth, discovery (unless disabled) and every retained state. */
  publishAll(connection: MqttConnection, state: CurrentState, nowMs: number): void {
    const { topics } = this.options;
    this.send(connection, topics.status, 'online');
    if (topics.discoveryPrefix) {
      const discovery = buildDiscovery({
        topics,
        deviceId: this.options.deviceId,
        channels: this.options.channels,
        alarms: this.options.alarms,
      });
      for (const message of discovery) {
        this.send(connection, message.topic, JSON.stringify(message.payload));
      }
    }
    this.gate.forgetAll();
    this.publishChanges(connection, state, nowMs);
  }

  /** The retained states that changed enough since they were last published. */
  publishChanges(connection: MqttConnection, state: CurrentState, nowMs: number): void {
    const { topics } = this.options;
    for (const reading of state.readings) {
      if (!this.gate.channelDue(reading, this.spans.get(reading.id) ?? 1, nowMs)) continue;
      this.send(connection, topics.channelState(reading.id), JSON.stringify(reading));
      this.gate.markChannel(reading, nowMs);
    }
    if (this.gate.valveDue(state.valve, nowMs)) {
      this.send(connection, topics.valveState, JSON.stringify(state.valve));
      this.gate.markValve(state.valve, nowMs);
    }
    if (this.gate.alarmsDue(state.alarms)) {
      this.send(connection, topics.alarmsState, JSON.stringify(state.alarms));
      this.gate.markAlarms(state.alarms, nowMs);
    }
  }

  private send(connection: MqttConnection, topic: string, payload: string): void {
    // A failure here means the session ended: everything is published again on reconnect.
    connection.publish(topic, payload, RETAINED).catch((error: unknown) => {
      this.onError(`retained publish to ${topic} failed: ${describe(error)}`);
    });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
