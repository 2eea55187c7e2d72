import { classifyInbound } from './inbound-message';

const text = (value: string) => Buffer.from(value, 'utf8');

describe('classifyInbound', () => {
  it('turns a command into the bus envelope without its type', () => {
    const frame = text(
      JSON.stringify({ type: 'command', id: 'c1', name: 'valve.close', args: {} }),
    );
    expect(classifyInbound(frame, false, 4096)).toEqual({
      kind: 'command',
      request: { id: 'c1', name: 'valve.close', args: {} },
    });
  });

  it.each([
    ['binary frame', Buffer.from([1, 2, 3]), true, 'invalid_json'],
    ['not JSON', text('{"type":'), false, 'invalid_json'],
    ['a JSON array', text('[1,2]'), false, 'invalid_args'],
    ['a JSON string', text('"hello"'), false, 'invalid_args'],
    ['null', text('null'), false, 'invalid_args'],
    ['an unknown type', text('{"type":"subscribe","id":"x"}'), false, 'invalid_args'],
    ['no type', text('{"name":"valve.close"}'), false, 'invalid_args'],
  ])('rejects %s', (_, frame, isBinary, code) => {
    expect(classifyInbound(frame, isBinary, 4096)).toMatchObject({ kind: 'reject', code });
  });

  it('rejects an oversized frame before parsing it', () => {
    const frame = text(
      JSON.stringify({ type: 'command', id: 'big', name: 'x', pad: 'y'.repeat(5000) }),
    );
    expect(classifyInbound(frame, false, 4096)).toMatchObject({
      kind: 'reject',
      code: 'payload_too_large',
    });
  });

  it('keeps the id of a rejected message so the sender can correlate the error', () => {
    expect(classifyInbound(text('{"type":"nope","id":"c7"}'), false, 4096)).toMatchObject({
      id: 'c7',
    });
  });
});
