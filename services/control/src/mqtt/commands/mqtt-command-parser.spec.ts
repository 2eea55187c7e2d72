import { parseMqttCommand } from './mqtt-command-parser';

const parse = (payload: string | Buffer, options: { retained?: boolean; max?: number } = {}) =>
  parseMqttCommand(
    {
      name: 'mode.set',
      payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
      retained: options.retained ?? false,
    },
    options.max ?? 1024,
  );

describe('parseMqttCommand', () => {
  it('builds a bus request: name from the topic, id, args and ts from the payload', () => {
    const ts = '2026-01-01T00:00:00.000Z';
    expect(parse(JSON.stringify({ id: 'a1', args: { mode: 'auto' }, ts, user: 'alice' }))).toEqual({
      ok: true,
      request: { name: 'mode.set', id: 'a1', args: { mode: 'auto' }, ts },
      user: 'alice',
    });
    expect(parse('{}')).toEqual({ ok: true, request: { name: 'mode.set' } });
  });

  it.each([
    ['empty payload (how a retained message is cleared)', '', 'invalid_json'],
    ['broken JSON', '{"id":', 'invalid_json'],
    ['not UTF-8', Buffer.from([0xff, 0xfe, 0x7b]), 'invalid_json'],
    ['a JSON array', '[1]', 'invalid_args'],
    ['a JSON number', '42', 'invalid_args'],
    ['null', 'null', 'invalid_args'],
    ['args of the wrong type', '{"args":"x"}', 'invalid_args'],
    ['an unknown field', '{"name":"valve.open"}', 'invalid_args'],
    ['a ts that is not ISO-8601', '{"ts":"yesterday"}', 'invalid_args'],
    ['a user that is not text', '{"user":7}', 'invalid_args'],
  ])('%s → %s', (_case, payload, code) => {
    expect(parse(payload)).toMatchObject({ ok: false, code });
  });

  it('refuses oversized payloads before reading them', () => {
    expect(parse(Buffer.alloc(2000, 0x7b), { max: 1024 })).toMatchObject({
      ok: false,
      code: 'payload_too_large',
      message: expect.stringContaining('2000 bytes'),
    });
    expect(parse(JSON.stringify({ args: { mode: 'auto' } }), { max: 1024 }).ok).toBe(true);
  });

  it('never executes a retained command, and keeps its id for the answer', () => {
    expect(parse('{"id":"r1","args":{"mode":"manual"}}', { retained: true })).toEqual({
      ok: false,
      code: 'expired',
      message: expect.stringContaining('retained'),
      id: 'r1',
    });
  });

  it('keeps a readable id in errors so that the sender can correlate them', () => {
    expect(parse('{"id":"x9","args":[]}')).toMatchObject({ ok: false, id: 'x9' });
    expect(parse(JSON.stringify({ id: 'y'.repeat(65), args: [] }))).not.toHaveProperty('id');
  });
});
