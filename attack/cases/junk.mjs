// @ts-check

/**
 * Bodies and frames that are not JSON objects at all, or not JSON: the same list is sent as
 * HTTP bodies, WebSocket text frames and MQTT payloads. None of them may run anything.
 * @type {{ label: string, text: string | Buffer }[]}
 */
export const JUNK = [
  { label: 'empty', text: '' },
  { label: 'open brace', text: '{' },
  { label: 'close brace', text: '}' },
  { label: 'empty array', text: '[]' },
  { label: 'null', text: 'null' },
  { label: 'true', text: 'true' },
  { label: 'number', text: '0' },
  { label: 'string', text: '"mode.set"' },
  { label: 'single quotes', text: "{'name':'mode.set','args':{'mode':'auto'}}" },
  { label: 'trailing comma', text: '{"name":"mode.set","args":{"mode":"auto"},}' },
  { label: 'missing comma', text: '{"name":"mode.set" "args":{"mode":"auto"}}' },
  { label: 'truncated', text: '{"name":"mode.set","args":{"mode":"auto"}' },
  { label: 'two objects', text: '{"name":"mode.set","args":{"mode":"auto"}}{"name":"valve.open"}' },
  { label: 'NaN', text: '{"name":"valve.open","args":{"durationS":NaN}}' },
  { label: 'Infinity literal', text: '{"name":"valve.open","args":{"durationS":Infinity}}' },
  { label: 'comment', text: '/* x */ {"name":"mode.set","args":{"mode":"auto"}}' },
  { label: 'BOM then junk', text: '\ufeff{x}' },
  { label: 'NUL bytes', text: '\u0000\u0000\u0000' },
  { label: 'not UTF-8', text: Buffer.from([0xff, 0xfe, 0xfd, 0x80, 0x7b, 0x7d]) },
  { label: 'plain text', text: 'open the valve please' },
  { label: 'form encoding', text: 'name=mode.set&args[mode]=auto' },
  { label: 'deep array (8000)', text: '['.repeat(8000) + ']'.repeat(8000) },
  { label: 'deep unterminated', text: '{"a":'.repeat(3000) },
  {
    label: 'deep args (7000)',
    text: '{"name":"mode.set","args":{"mode":' + '['.repeat(7000) + ']'.repeat(7000) + '}}',
  },
  {
    label: 'deep object args (2500)',
    text:
      '{"name":"mode.set","args":{"mode":' + '{"a":'.repeat(2500) + '1' + '}'.repeat(2500) + '}}',
  },
  { label: 'huge number', text: '{"name":"valve.open","args":{"durationS":1e999}}' },
  {
    label: 'long key',
    text: `{"name":"mode.set","args":{"mode":"auto","${'k'.repeat(3000)}":1}}`,
  },
  {
    label: '__proto__ key',
    text: '{"name":"mode.set","args":{"mode":"auto"},"__proto__":{"role":"admin"}}',
  },
  {
    label: 'constructor.prototype',
    text: '{"name":"mode.set","args":{"mode":"auto","constructor":{"prototype":{"role":"admin"}}}}',
  },
];
