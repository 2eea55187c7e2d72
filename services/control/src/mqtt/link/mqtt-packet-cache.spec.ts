import { dirname } from 'node:path';

type MqttPacket = typeof import('mqtt-packet');
/** mqtt-packet's number cache: 65 536 two-byte Buffers once built. */
type Numbers = { cache: Record<number, Buffer> };

// A PUBLISH with a packet id: the first write of a session builds the cache when it is on.
const publish = {
  cmd: 'publish',
  topic: 'a/b',
  payload: Buffer.from('x'),
  qos: 1,
  messageId: 0x1234,
  retain: false,
  dup: false,
} as const;

describe("mqtt-packet's number cache (6 MB of heap)", () => {
  it('is never built once the MQTT connector is loaded, and packets are written the same', () => {
    jest.isolateModules(() => {
      /* eslint-disable @typescript-eslint/no-require-imports */
      require('./mqtt-js-connector');
      const packet = require('mqtt-packet') as MqttPacket;
      const numbers = require('mqtt-packet/numbers') as Numbers;
      /* eslint-enable @typescript-eslint/no-require-imports */
      expect(packet.writeToStream.cacheNumbers).toBe(false);
      // generate() writes through writeToStream, the function MQTT.js and aedes write with.
      const bytes = packet.generate(publish);
      // 0x32 PUBLISH qos 1, remaining length 8, topic length 3 "a/b", packet id, payload "x".
      expect(bytes).toEqual(Buffer.from([0x32, 8, 0, 3, 0x61, 0x2f, 0x62, 0x12, 0x34, 0x78]));
      expect(Object.keys(numbers.cache)).toHaveLength(0);
    });
  });

  it('would be built without the switch (what the test above guards against)', () => {
    jest.isolateModules(() => {
      /* eslint-disable @typescript-eslint/no-require-imports */
      const packet = require('mqtt-packet') as MqttPacket;
      const numbers = require('mqtt-packet/numbers') as Numbers;
      /* eslint-enable @typescript-eslint/no-require-imports */
      packet.generate(publish);
      expect(Object.keys(numbers.cache)).toHaveLength(65_536);
    });
  });

  it('is one switch for MQTT.js and aedes: both use the copy the connector switches off', () => {
    // Should an update give either its own nested copy of mqtt-packet, that copy would build
    // its cache on its first write: switch it off there too, or align the versions.
    const ours = require.resolve('mqtt-packet');
    for (const user of ['mqtt', 'aedes']) {
      expect(require.resolve('mqtt-packet', { paths: [dirname(require.resolve(user))] })).toBe(
        ours,
      );
    }
  });
});
