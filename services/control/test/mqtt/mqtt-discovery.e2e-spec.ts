/**
 * Home Assistant MQTT discovery against a real Mosquitto: the retained configs, what Home
 * Assistant's mode select sends, and the re-announcement when Home Assistant restarts.
 */
import { ControlView } from '../../src/control/control.facades';
import { startMosquitto, TestBroker } from '../support/servers/mosquitto';
import { startTestApp, TestApp } from '../support/test-app';
import { MqttRecorder, Received } from './support/mqtt-recorder';

const BASE = 'cryopilot/discovery';
const NODE = 'cryopilot_discovery';
const CHANNELS = ['o2_1', 'o2_2', 'ln2_level'];
let broker: TestBroker;
let app: TestApp;
let rec: MqttRecorder;

beforeAll(async () => {
  broker = await startMosquitto();
  rec = await MqttRecorder.connect(broker.url, ['cryopilot/#', 'homeassistant/#']);
  app = await startTestApp({ deviceId: 'discovery', mqtt: { url: broker.url } });
  await rec.waitFor((m) => m.topic === `${BASE}/valve/state`);
});

afterAll(async () => {
  await app?.close();
  await rec?.close();
  await broker?.close();
});

const parse = (m: Received): unknown => JSON.parse(m.text);

describe('Home Assistant discovery', () => {
  const configs = () =>
    new Map(
      rec.messages
        .filter((m) => m.topic.startsWith('homeassistant/') && m.topic.endsWith('/config'))
        .map((m) => [m.topic, { retain: m.retain, config: parse(m) as Record<string, unknown> }]),
    );

  it('announces a sensor per channel, the valve, the mode and every alarm, all retained', async () => {
    const node = NODE;
    const all = configs();
    expect([...all.values()].every((c) => c.retain)).toBe(true);
    for (const id of CHANNELS) {
      const sensor = all.get(`homeassistant/sensor/${node}/${id}/config`)?.config;
      expect(sensor).toMatchObject({
        unique_id: `${node}_${id}`,
        state_topic: `${BASE}/channels/${id}/state`,
        value_template: '{{ value_json.value }}',
        availability_topic: `${BASE}/status`,
        device: expect.objectContaining({ identifiers: [node] }),
      });
      expect(sensor?.unit_of_measurement).toEqual(expect.any(String));
      expect(all.get(`homeassistant/sensor/${node}/${id}_current/config`)?.config).toMatchObject({
        device_class: 'current',
        unit_of_measurement: 'mA',
      });
      expect(all.get(`homeassistant/sensor/${node}/${id}_quality/config`)?.config).toMatchObject({
        device_class: 'enum',
      });
    }
    expect(all.get(`homeassistant/binary_sensor/${node}/valve/config`)?.config).toMatchObject({
      state_topic: `${BASE}/valve/state`,
      device_class: 'opening',
    });
    const select = all.get(`homeassistant/select/${node}/mode/config`)?.config;
    expect(select).toMatchObject({
      command_topic: `${BASE}/cmd/mode.set`,
      options: ['auto', 'manual'],
    });
    const alarmIds = app.app
      .get(ControlView)
      .alarms()
      .map((a) => a.id);
    for (const id of alarmIds) {
      expect(
        all.get(`homeassistant/binary_sensor/${node}/alarm_${id}/config`)?.config,
      ).toMatchObject({
        state_topic: `${BASE}/alarms/state`,
      });
    }
    // What Home Assistant's select sends (its command_template rendered) is a valid command.
    const since = rec.messages.length;
    const rendered = String(select?.command_template).replace('{{ value }}', 'auto');
    await rec.publish(String(select?.command_topic), rendered);
    const result = await rec.waitFor((m) => m.topic === `${BASE}/cmd/result`, 10_000, since);
    expect(parse(result)).toMatchObject({ ok: true });
  });

  it('publishes discovery and states again when Home Assistant comes online', async () => {
    const since = rec.messages.length;
    await rec.publish('homeassistant/status', 'online', { retain: false });
    await rec.waitFor((m) => m.topic.endsWith('/valve/config'), 10_000, since);
    await rec.waitFor((m) => m.topic === `${BASE}/valve/state`, 10_000, since);
  });

  it('is disabled by an empty discovery prefix', async () => {
    const quiet = await startTestApp({
      deviceId: 'no-discovery',
      mqtt: { url: broker.url, discoveryPrefix: '' },
    });
    try {
      await rec.waitFor((m) => m.topic === 'cryopilot/no-discovery/valve/state');
      const announced = rec.messages.filter((m) => m.topic.includes('cryopilot_no-discovery'));
      expect(announced).toEqual([]);
    } finally {
      await quiet.close();
    }
  });
});
