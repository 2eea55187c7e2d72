import { buildDiscovery } from './ha-discovery';
import { MqttTopics } from './mqtt-topics';

const input = {
  topics: new MqttTopics('cryopilot/pi1', 'homeassistant'),
  deviceId: 'pi1',
  channels: [
    { id: 'o2_1', label: 'O2 sensor 1', unit: '%vol' },
    { id: 'dewar_p', label: 'Dewar pressure', unit: 'bar' },
  ],
  alarms: [
    { id: 'o2_low_low', severity: 'critical' as const, message: 'Oxygen dangerously low' },
    { id: 'level_low', severity: 'warning' as const, message: 'LN2 level low' },
  ],
};

describe('buildDiscovery', () => {
  const messages = buildDiscovery(input);
  const byTopic = new Map(messages.map((m) => [m.topic, m.payload]));
  const node = 'cryopilot_pi1';

  it('announces three sensors per channel, the valve, the mode and one sensor per alarm', () => {
    expect(messages).toHaveLength(2 * 3 + 2 + 2);
    expect(new Set(messages.map((m) => m.payload.unique_id)).size).toBe(messages.length);
  });

  it('gives each channel a measurement sensor with its unit and a device class where one fits', () => {
    expect(byTopic.get(`homeassistant/sensor/${node}/o2_1/config`)).toMatchObject({
      state_topic: 'cryopilot/pi1/channels/o2_1/state',
      value_template: '{{ value_json.value }}',
      unit_of_measurement: '%vol',
      state_class: 'measurement',
    });
    expect(byTopic.get(`homeassistant/sensor/${node}/o2_1/config`)).not.toHaveProperty(
      'device_class',
    );
    expect(byTopic.get(`homeassistant/sensor/${node}/dewar_p/config`)).toMatchObject({
      device_class: 'pressure',
      unit_of_measurement: 'bar',
    });
    expect(byTopic.get(`homeassistant/sensor/${node}/o2_1_current/config`)).toMatchObject({
      device_class: 'current',
      unit_of_measurement: 'mA',
      value_template: '{{ value_json.mA }}',
    });
    expect(byTopic.get(`homeassistant/sensor/${node}/o2_1_quality/config`)).toMatchObject({
      device_class: 'enum',
      options: ['good', 'uncertain', 'bad', 'stale', 'warmup'],
    });
  });

  it('shows the valve read-only and maps the mode select onto cmd/mode.set', () => {
    const valve = byTopic.get(`homeassistant/binary_sensor/${node}/valve/config`);
    expect(valve).toMatchObject({
      device_class: 'opening',
      state_topic: 'cryopilot/pi1/valve/state',
    });
    expect(valve).not.toHaveProperty('command_topic');
    const select = byTopic.get(`homeassistant/select/${node}/mode/config`)!;
    expect(select).toMatchObject({
      command_topic: 'cryopilot/pi1/cmd/mode.set',
      options: ['auto', 'manual'],
      value_template: '{{ value_json.mode }}',
    });
    const rendered = String(select.command_template).replace('{{ value }}', 'manual');
    expect(JSON.parse(rendered)).toEqual({ args: { mode: 'manual' } });
  });

  it('raises one binary sensor per alarm from alarms/state: safety for critical ones', () => {
    expect(
      byTopic.get(`homeassistant/binary_sensor/${node}/alarm_o2_low_low/config`),
    ).toMatchObject({
      device_class: 'safety',
      state_topic: 'cryopilot/pi1/alarms/state',
      value_template: expect.stringContaining("'o2_low_low'"),
    });
    expect(byTopic.get(`homeassistant/binary_sensor/${node}/alarm_level_low/config`)).toMatchObject(
      {
        device_class: 'problem',
      },
    );
  });

  it('makes every entity available only while the service is online, on one device', () => {
    for (const { payload } of messages) {
      expect(payload).toMatchObject({
        availability_topic: 'cryopilot/pi1/status',
        payload_available: 'online',
        payload_not_available: 'offline',
        device: { identifiers: [node] },
      });
    }
  });
});
