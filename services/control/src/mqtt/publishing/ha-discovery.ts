import { QUALITIES, Severity } from '@cryopilot/protocol';
import type { MqttTopics } from './mqtt-topics';

/** What discovery needs to know about the installation. */
export interface DiscoveryInput {
  readonly topics: MqttTopics;
  readonly deviceId: string;
  readonly channels: readonly {
    readonly id: string;
    readonly label: string;
    readonly unit: string;
  }[];
  readonly alarms: readonly {
    readonly id: string;
    readonly severity: Severity;
    readonly message: string;
  }[];
}

/** One retained discovery config: `<prefix>/<component>/<node>/<object>/config`. */
export interface DiscoveryMessage {
  readonly topic: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

/** Home Assistant sensor device classes that fit a channel's unit; none for `%vol`, `%`. */
const DEVICE_CLASS_BY_UNIT: Readonly<Record<string, string>> = {
  '°C': 'temperature',
  K: 'temperature',
  bar: 'pressure',
  mbar: 'pressure',
  Pa: 'pressure',
  kPa: 'pressure',
  hPa: 'pressure',
  psi: 'pressure',
  V: 'voltage',
  mA: 'current',
  A: 'current',
};

/**
 * Home Assistant MQTT discovery (pure): one device with, per channel, a measurement sensor
 * (device class from its unit where Home Assistant has one), its loop current (`current`, mA)
 * and its signal quality (`enum`); the valve as a `binary_sensor` (`opening`: read-only on
 * purpose — opening is a manual-mode operator action); the mode as a `select` whose command
 * goes to `cmd/mode.set`; one `binary_sensor` per alarm, on while the alarm is not `normal`
 * (`safety` for critical alarms, else `problem`). Every entity is available while
 * `…/status` is `online`.
 */
export function buildDiscovery(input: DiscoveryInput): DiscoveryMessage[] {
  const { topics } = input;
  const node = `cryopilot_${input.deviceId}`;
  const common = {
    availability_topic: topics.status,
    payload_available: 'online',
    payload_not_available: 'offline',
    qos: 1,
    device: {
      identifiers: [node],
      name: `CryoPilot ${input.deviceId}`,
      manufacturer: 'CryoPilot',
      model: 'LN2 fill controller',
    },
    origin: { name: 'CryoPilot' },
  };
  const entity = (component: string, objectId: string, config: Record<string, unknown>) => ({
    topic: topics.discoveryConfig(component, node, objectId),
    payload: { ...config, unique_id: `${node}_${objectId}`, ...common },
  });
  const messages: DiscoveryMessage[] = [];
  for (const channel of input.channels) {
    const state = topics.channelState(channel.id);
    const deviceClass = DEVICE_CLASS_BY_UNIT[channel.unit];
    messages.push(
      entity('sensor', channel.id, {
        name: channel.label,
        state_topic: state,
        // `None` (a null value: bad, stale or warming up) makes Home Assistant show "unknown".
        value_template: '{{ value_json.value }}',
        unit_of_measurement: channel.unit,
        ...(deviceClass ? { device_class: deviceClass } : {}),
        state_class: 'measurement',
        json_attributes_topic: state,
        json_attributes_template:
          "{{ {'quality': value_json.quality, 'mA': value_json.mA, 'ts': value_json.ts} | tojson }}",
      }),
      entity('sensor', `${channel.id}_current`, {
        name: `${channel.label} loop current`,
        state_topic: state,
        value_template: '{{ value_json.mA }}',
        unit_of_measurement: 'mA',
        device_class: 'current',
        state_class: 'measurement',
        entity_category: 'diagnostic',
      }),
      entity('sensor', `${channel.id}_quality`, {
        name: `${channel.label} signal quality`,
        state_topic: state,
        value_template: '{{ value_json.quality }}',
        device_class: 'enum',
        options: [...QUALITIES],
        entity_category: 'diagnostic',
      }),
    );
  }
  messages.push(
    entity('binary_sensor', 'valve', {
      name: 'LN2 fill valve',
      state_topic: topics.valveState,
      value_template: "{{ 'ON' if value_json.open else 'OFF' }}",
      device_class: 'opening',
      json_attributes_topic: topics.valveState,
      json_attributes_template:
        "{{ {'mode': value_json.mode, 'reason': value_json.reason, 'interlocks': value_json.interlocks, 'output': value_json.output} | tojson }}",
    }),
    entity('select', 'mode', {
      name: 'Control mode',
      state_topic: topics.valveState,
      value_template: '{{ value_json.mode }}',
      command_topic: topics.command('mode.set'),
      command_template: '{"args":{"mode":"{{ value }}"}}',
      options: ['auto', 'manual'],
    }),
  );
  for (const alarm of input.alarms) {
    const match = `value_json | selectattr('id', 'equalto', '${alarm.id}') | list`;
    messages.push(
      entity('binary_sensor', `alarm_${alarm.id}`, {
        name: alarm.message,
        state_topic: topics.alarmsState,
        value_template: `{{ 'ON' if (${match} | count) > 0 else 'OFF' }}`,
        device_class: alarm.severity === 'critical' ? 'safety' : 'problem',
        json_attributes_topic: topics.alarmsState,
        json_attributes_template: `{{ (${match} | first | default({}, true)) | tojson }}`,
      }),
    );
  }
  return messages;
}
