import { EmbeddedBrokerAccess, filterOverlaps } from './embedded-broker-access';

const users = {
  service: { username: 'cryopilot', password: 'service-secret-0123456789' },
  reader: { username: 'reader', password: 'reader-secret-0123456789' },
};
const access = new EmbeddedBrokerAccess(users, {
  serviceClientId: 'cryopilot-pi1',
  subtrees: ['cryopilot/pi1', 'homeassistant'],
  commandPrefix: 'cryopilot/pi1/cmd/',
});
const pw = (text: string) => Buffer.from(text);

describe('EmbeddedBrokerAccess', () => {
  it('refuses a retained command from anyone (3.1.1 would deliver it as a live one)', () => {
    expect(access.mayPublish('cryopilot', 'cryopilot/pi1/cmd/mode.set', true)).toBe(false);
    expect(access.mayPublish('cryopilot', 'cryopilot/pi1/cmd/mode.set', false)).toBe(true);
    expect(access.mayPublish('cryopilot', 'cryopilot/pi1/valve/state', true)).toBe(true);
  });

  it('admits the two accounts with their passwords only', () => {
    expect(access.connect('a', 'cryopilot', pw(users.service.password))).toBe('ok');
    expect(access.connect('b', 'reader', pw(users.reader.password))).toBe('ok');
    expect(access.connect('c', undefined, undefined)).toBe('bad-credentials');
    expect(access.connect('c', 'reader', undefined)).toBe('bad-credentials');
    expect(access.connect('c', 'reader', pw(users.service.password))).toBe('bad-credentials');
    expect(access.connect('c', 'admin', pw(users.reader.password))).toBe('bad-credentials');
    expect(access.connect('c', 'reader', pw(`${users.reader.password}x`))).toBe('bad-credentials');
  });

  it("reserves the service's client id for the service account", () => {
    expect(access.connect('cryopilot-pi1', 'reader', pw(users.reader.password))).toBe(
      'client-id-reserved',
    );
    expect(access.connect('cryopilot-pi1', 'cryopilot', pw(users.service.password))).toBe('ok');
  });

  it.each([
    ['cryopilot', 'cryopilot/pi1/valve/state', true],
    ['cryopilot', 'cryopilot/pi1', true],
    ['cryopilot', 'homeassistant/select/x/config', true],
    ['cryopilot', 'cryopilot/pi2/cmd/valve.open', false],
    ['cryopilot', 'cryopilot/pi10/status', false],
    ['cryopilot', 'other/topic', false],
    ['reader', 'cryopilot/pi1/cmd/valve.open', false],
    ['reader', 'homeassistant/status', false],
    [undefined, 'cryopilot/pi1/cmd/valve.open', false],
  ])('publish as %s on %s: %s', (user, topic, allowed) => {
    expect(access.mayPublish(user, topic)).toBe(allowed);
  });

  it.each([
    ['reader', '#', true],
    ['reader', 'cryopilot/#', true],
    ['reader', 'cryopilot/+/valve/state', true],
    ['reader', 'cryopilot/pi1/#', true],
    ['reader', 'cryopilot/pi2/#', false],
    ['reader', 'cryopilot', false],
    ['reader', '$SYS/#', false],
    ['cryopilot', 'homeassistant/status', true],
    ['nobody', '#', false],
  ])('subscribe as %s to %s: %s', (user, filter, allowed) => {
    expect(access.maySubscribe(user, filter)).toBe(allowed);
  });

  it('delivers only the service topics, to known accounts', () => {
    expect(access.mayReceive('reader', 'cryopilot/pi1/telemetry')).toBe(true);
    expect(access.mayReceive('reader', '$SYS/broker/uptime')).toBe(false);
    expect(access.mayReceive('reader', 'cryopilot/pi2/telemetry')).toBe(false);
    expect(access.mayReceive(undefined, 'cryopilot/pi1/telemetry')).toBe(false);
  });

  it('an empty discovery prefix (discovery off) grants nothing', () => {
    const noDiscovery = new EmbeddedBrokerAccess(users, {
      serviceClientId: 'x',
      subtrees: ['cryopilot/pi1', ''],
      commandPrefix: 'cryopilot/pi1/cmd/',
    });
    expect(noDiscovery.mayPublish('cryopilot', 'anything')).toBe(false);
    expect(noDiscovery.mayPublish('cryopilot', 'cryopilot/pi1/status')).toBe(true);
  });
});

describe('filterOverlaps', () => {
  it.each([
    ['a/b/#', 'a/b', true],
    ['a/b', 'a/b', true],
    ['a/b/c', 'a/b', true],
    ['a/+', 'a/b', true],
    ['+/+/c', 'a/b', true],
    ['a', 'a/b', false],
    ['a/c/#', 'a/b', false],
    ['#', 'a/b', true],
  ])('%s overlaps %s: %s', (filter, subtree, expected) => {
    expect(filterOverlaps(filter, subtree)).toBe(expected);
  });
});
