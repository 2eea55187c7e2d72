/** Malformed MQTT command payloads for the fuzz test, reproducible from a seed. */

/** Deterministic pseudo-random numbers, so a failing fuzz case can be reproduced. */
export function lcg(seed: number) {
  let s = seed;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

/** A malformed command: [topic suffix, payload, acceptable error codes]. */
export type FuzzCase = [string, Buffer, readonly string[]];

export function fuzzCase(i: number, random: () => number): FuzzCase {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const bytes = (n: number) =>
    Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
  const json = (v: unknown) => Buffer.from(JSON.stringify(v));
  const parseErrors = ['invalid_json', 'invalid_args'];
  switch (i % 8) {
    case 0:
      return [
        pick(['mode.set', 'valve.open', 'valve.close']),
        bytes(1 + Math.floor(random() * 300)),
        parseErrors,
      ];
    case 1:
      return [
        pick(['mode.set', 'valve.close', 'alarm.ack']),
        Buffer.from(
          pick(['{', '{"id":', '{"args":{"mode":"auto"}', 'nul', '{}}', '\u00ff\u00fe', "{'a':1}"]),
        ),
        ['invalid_json'],
      ];
    case 2:
      return [
        pick(['valve.close', 'mode.set']),
        Buffer.from(pick(['null', '[]', '42', '"auto"', 'true', '[{}]'])),
        ['invalid_args'],
      ];
    case 3:
      return [
        pick(['valve.close', 'valve.open', 'mode.set']),
        json(
          pick([
            { id: 5 },
            { args: 'x' },
            { args: [] },
            { ts: 'yesterday' },
            { user: 7 },
            { extra: 1 },
            { id: '' },
          ]),
        ),
        ['invalid_args'],
      ];
    case 4:
      return [
        pick(['mode.set', 'valve.open', 'alarm.ack', 'alarm.reset', 'setpoints.set']),
        json(
          pick([
            { args: { mode: 'turbo' } },
            { args: { durationS: -1 } },
            { args: { durationS: 'long' } },
            { args: { alarmId: 'no_such_alarm' } },
            { args: { alarmId: 'BAD ID' } },
            { args: { mode: 'manual', extra: true } },
          ]),
        ),
        ['invalid_args', 'forbidden'],
      ];
    case 5:
      return [
        pick([
          'valve.explode',
          'reboot',
          'x',
          'mode.set.now',
          `r${Math.floor(random() * 1e6)}`,
          'é ü',
        ]),
        json({ id: `u${i}`, args: {} }),
        ['unknown_command'],
      ];
    case 6:
      // Oversized: beyond maxPayloadBytes (8 KiB), sometimes far beyond.
      return [
        pick(['mode.set', 'valve.open']),
        Buffer.alloc(i % 100 === 6 ? 512 * 1024 : 9000, 0x7b),
        ['payload_too_large'],
      ];
    default:
      return ['valve.open', json({ args: {}, ts: '2001-01-01T00:00:00.000Z' }), ['expired']];
  }
}
