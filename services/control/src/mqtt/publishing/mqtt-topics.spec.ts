import { baseTopicFor, MqttTopics } from './mqtt-topics';

describe('MqttTopics', () => {
  const sut = new MqttTopics('cryopilot/pi1', 'homeassistant');

  it('lays out the contract under the base topic', () => {
    expect(sut.status).toBe('cryopilot/pi1/status');
    expect(sut.channelState('o2_1')).toBe('cryopilot/pi1/channels/o2_1/state');
    expect(sut.valveState).toBe('cryopilot/pi1/valve/state');
    expect(sut.alarmsState).toBe('cryopilot/pi1/alarms/state');
    expect(sut.alarmEvents).toBe('cryopilot/pi1/alarms/events');
    expect(sut.fillEvents).toBe('cryopilot/pi1/fills/events');
    expect(sut.streamTopic('fill-event')).toBe(sut.fillEvents);
    expect(sut.streamTopic('alarm-event')).toBe(sut.alarmEvents);
    expect(sut.streamTopic('telemetry')).toBe(sut.telemetry);
    expect(sut.telemetry).toBe('cryopilot/pi1/telemetry');
    expect(sut.commandFilter).toBe('cryopilot/pi1/cmd/+');
    expect(sut.commandResult).toBe('cryopilot/pi1/cmd/result');
    expect(sut.command('mode.set')).toBe('cryopilot/pi1/cmd/mode.set');
    expect(sut.homeAssistantStatus).toBe('homeassistant/status');
    expect(sut.discoveryConfig('sensor', 'node', 'o2_1')).toBe(
      'homeassistant/sensor/node/o2_1/config',
    );
  });

  it.each([
    ['cryopilot/pi1/cmd/mode.set', 'mode.set'],
    ['cryopilot/pi1/cmd/anything', 'anything'],
    ['cryopilot/pi1/cmd/result', null], // our own results, also matched by cmd/+
    ['cryopilot/pi1/cmd/', null],
    ['cryopilot/pi1/cmd/a/b', null],
    ['cryopilot/pi1/status', null],
    ['cryopilot/pi10/cmd/mode.set', null],
  ])('command name of %s is %s', (topic, name) => {
    expect(sut.commandName(topic)).toBe(name);
  });

  it.each([
    ['replies/client-7', true],
    ['cryopilot/other-device/inbox', true],
    ['cryopilot/pi1/status', false],
    ['cryopilot/pi1', false],
    ['homeassistant/sensor/x/config', false],
    ['$SYS/broker', false],
    ['replies/#', false],
    ['replies/+/x', false],
    ['', false],
  ])('response topic %p allowed: %p', (topic, allowed) => {
    expect(sut.isAllowedResponseTopic(topic)).toBe(allowed);
  });

  it('has no Home Assistant status topic when discovery is disabled', () => {
    expect(new MqttTopics('b', '').homeAssistantStatus).toBeNull();
    expect(new MqttTopics('b', '').isAllowedResponseTopic('homeassistant/x')).toBe(true);
  });

  it('defaults the base topic to cryopilot/<deviceId>', () => {
    expect(baseTopicFor('pi1', undefined)).toBe('cryopilot/pi1');
    expect(baseTopicFor('pi1', 'site/ln2')).toBe('site/ln2');
  });
});
