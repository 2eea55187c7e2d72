// @ts-check

/**
 * HTTP-only cases: the state-changing endpoints, content types, origins, methods, the
 * simulator's and the login's invalid bodies, query strings, and malformed HTTP itself. Pure.
 */

/** Every endpoint that changes something (docs/interfaces.md), the simulator's included. */
export const STATE_CHANGING = [
  '/api/commands',
  '/api/auth/login',
  '/api/auth/logout',
  '/api/sim/fault',
  '/api/sim/scenario',
  '/api/sim/plant',
];

/**
 * A valid body per endpoint that would change something if it got through (manual mode:
 * `mode.set` auto; the plant's level; the admin's own sign-in or sign-out).
 * @type {Record<string, unknown>}
 */
export const CHANGING_BODIES = {
  '/api/commands': { name: 'mode.set', args: { mode: 'auto' } },
  '/api/auth/login': { username: 'admin', password: '(set by the suite)' },
  '/api/auth/logout': {},
  '/api/sim/fault': { channel: 'ln2_level', fault: 'open-circuit' },
  '/api/sim/scenario': { name: 'o2-drop', dropToPct: 15 },
  '/api/sim/plant': { levelPct: 5 },
};

/**
 * Content types under which a JSON text must not be read as a command (a form or `text/plain`
 * is what a cross-site page can send without a preflight).
 */
export const CONTENT_TYPES = [
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/octet-stream',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/jsonx',
  '',
];

/**
 * Origins of other sites (a page elsewhere posting with the operator's cookie).
 * @param {number} port the service's port
 */
export function foreignOrigins(port) {
  return [
    'http://evil.example',
    `http://evil.example:${port}`,
    'null',
    `http://127.0.0.1:${port + 1}`,
    `http://localhost:${port}`,
    'garbage',
    '',
    `http://127.0.0.1:${port}.evil.example`,
    `http://127.0.0.1:${port}@evil.example`,
  ];
}

/** Methods no state-changing endpoint has. */
export const OTHER_METHODS = ['PUT', 'PATCH', 'DELETE'];

/** Invalid bodies of the simulator endpoints (admin only; each must be a 400). */
export const SIM_CASES = /** @type {[string, unknown][]} */ ([
  ['/api/sim/fault', {}],
  ['/api/sim/fault', { fault: 'meltdown' }],
  ['/api/sim/fault', { channel: 'nope', fault: 'open-circuit' }],
  ['/api/sim/fault', { channel: 'ln2_level', fault: 'i2c-error' }],
  ['/api/sim/fault', { fault: 'open-circuit' }],
  ['/api/sim/fault', { channel: 1, fault: 'none' }],
  ['/api/sim/fault', { channel: 'x'.repeat(33), fault: 'none' }],
  ['/api/sim/fault', { channel: 'ln2_level', fault: 'none', extra: 1 }],
  ['/api/sim/fault', { channel: '__proto__', fault: 'stuck' }],
  ['/api/sim/fault', [{ channel: 'ln2_level', fault: 'stuck' }]],
  ['/api/sim/scenario', {}],
  ['/api/sim/scenario', { name: 'meteor' }],
  ['/api/sim/scenario', { name: 'o2-leak', leakPctPerMin: -1 }],
  ['/api/sim/scenario', { name: 'o2-leak', leakPctPerMin: 26 }],
  ['/api/sim/scenario', { name: 'o2-drop', dropToPct: 'low' }],
  ['/api/sim/scenario', { name: 'o2-drop', sensor: 3 }],
  ['/api/sim/scenario', { name: 'normal', sensor: 1 }],
  ['/api/sim/scenario', { name: 'normal', extra: true }],
  ['/api/sim/scenario', { name: ['normal'] }],
  ['/api/sim/plant', { levelPct: -1 }],
  ['/api/sim/plant', { levelPct: 101 }],
  ['/api/sim/plant', { levelPct: '5' }],
  ['/api/sim/plant', { drainPctPerMin: 1000 }],
  ['/api/sim/plant', { fillPctPerMin: -3 }],
  ['/api/sim/plant', { o2BasePct: 26 }],
  ['/api/sim/plant', { o2NoisePct: 6 }],
  ['/api/sim/plant', { supplyV: 61 }],
  ['/api/sim/plant', { speed: 0 }],
  ['/api/sim/plant', { speed: 0.01 }],
  ['/api/sim/plant', { speed: 20_000 }],
  ['/api/sim/plant', { speed: null }],
  ['/api/sim/plant', { levelPct: 5, extra: 1 }],
  ['/api/sim/plant', 'levelPct=5'],
]);

/** Invalid sign-in bodies (each a 400 before any password is checked). */
export const LOGIN_CASES = /** @type {unknown[]} */ ([
  {},
  { username: 'admin' },
  { password: 'x'.repeat(20) },
  { username: 1, password: 'x'.repeat(20) },
  { username: 'admin', password: 12345678901234 },
  { username: null, password: null },
  { username: ['admin'], password: 'x'.repeat(20) },
  { username: 'u'.repeat(65), password: 'x'.repeat(20) },
  { username: 'admin', password: 'p'.repeat(257) },
  { username: 'admin', password: 'x'.repeat(20), role: 'admin' },
  { username: 'admin', password: { $ne: '' } },
  { username: { $gt: '' }, password: 'x'.repeat(20) },
  [{ username: 'admin', password: 'x'.repeat(20) }],
]);

/** Query strings of the read endpoints that take one (each a 400 or the default). */
export const QUERY_CASES = [
  '/api/trend?minutes=-1',
  '/api/trend?minutes=abc',
  '/api/trend?minutes=1e9',
  '/api/trend?minutes=99999999999999999999999',
  '/api/trend?minutes[]=1&minutes[]=2',
  '/api/trend?minutes[a]=1',
  '/api/trend?minutes=1&extra=1',
  '/api/trend?minutes=%00',
  '/api/trend?minutes=0x10',
  '/api/trend?__proto__[x]=1',
  '/api/audit?limit=0',
  '/api/audit?limit=1001',
  '/api/audit?limit=-5',
  '/api/audit?limit=1.5',
  '/api/audit?limit[]=1',
  '/api/audit?limit=%ZZ',
  '/api/fills?limit=-1',
  '/api/trend?' + 'a=1&'.repeat(2000),
];

/**
 * Malformed HTTP, written to a raw socket. Node's parser answers these itself (400, 413, 431)
 * or closes; the service must not fall over.
 * @param {number} port
 * @returns {{ label: string, bytes: string }[]}
 */
export function rawHttpCases(port) {
  const host = `127.0.0.1:${port}`;
  const post = (/** @type {string} */ headers, /** @type {string} */ body) =>
    `POST /api/commands HTTP/1.1\r\nHost: ${host}\r\n${headers}\r\n${body}`;
  return [
    { label: 'garbage request line', bytes: 'HELLO\r\n\r\n' },
    { label: 'HTTP/0.9', bytes: 'GET /api/health\r\n\r\n' },
    { label: 'HTTP/9.9', bytes: `GET /api/health HTTP/9.9\r\nHost: ${host}\r\n\r\n` },
    { label: 'no Host', bytes: 'GET /api/health HTTP/1.1\r\n\r\n' },
    {
      label: 'header overflow',
      bytes: `GET /api/health HTTP/1.1\r\nHost: ${host}\r\nX-A: ${'a'.repeat(70_000)}\r\n\r\n`,
    },
    {
      label: 'many headers',
      bytes: `GET /api/health HTTP/1.1\r\nHost: ${host}\r\n${'X-B: b\r\n'.repeat(3000)}\r\n`,
    },
    {
      label: 'bad header name',
      bytes: `GET /api/health HTTP/1.1\r\nHost: ${host}\r\nBad Header: x\r\n\r\n`,
    },
    {
      label: 'NUL in header',
      bytes: `GET /api/health HTTP/1.1\r\nHost: ${host}\r\nX-C: a\u0000b\r\n\r\n`,
    },
    { label: 'bare LF', bytes: `GET /api/health HTTP/1.1\nHost: ${host}\n\n` },
    {
      label: 'two Content-Length',
      bytes: post(
        'Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 40\r\n',
        '{}',
      ),
    },
    {
      label: 'CL and TE (smuggling)',
      bytes: post(
        'Content-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n',
        '0\r\n\r\nGET /api/state HTTP/1.1\r\n\r\n',
      ),
    },
    {
      label: 'bad chunk size',
      bytes: post(
        'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n',
        'zz\r\n{}\r\n0\r\n\r\n',
      ),
    },
    {
      label: 'chunk bigger than body',
      bytes: post(
        'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n',
        'ffffff\r\n{}\r\n',
      ),
    },
    {
      label: 'negative Content-Length',
      bytes: post('Content-Type: application/json\r\nContent-Length: -1\r\n', '{}'),
    },
    {
      label: 'huge Content-Length',
      bytes: post('Content-Type: application/json\r\nContent-Length: 99999999999\r\n', '{}'),
    },
    {
      label: 'body shorter than Content-Length',
      bytes: post('Content-Type: application/json\r\nContent-Length: 100\r\n', '{"name":'),
    },
    {
      label: 'gzip garbage',
      bytes: post(
        'Content-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n',
        'abcd',
      ),
    },
    {
      label: 'unknown encoding',
      bytes: post(
        'Content-Type: application/json\r\nContent-Encoding: br, zz\r\nContent-Length: 2\r\n',
        '{}',
      ),
    },
    {
      label: 'absolute URI',
      bytes: `GET http://evil.example/api/health HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
    },
    { label: 'path traversal', bytes: `GET /../../etc/passwd HTTP/1.1\r\nHost: ${host}\r\n\r\n` },
    {
      label: 'encoded traversal',
      bytes: `GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
    },
    { label: 'bad percent in path', bytes: `GET /api/%ZZ HTTP/1.1\r\nHost: ${host}\r\n\r\n` },
    { label: 'long URL', bytes: `GET /${'a'.repeat(100_000)} HTTP/1.1\r\nHost: ${host}\r\n\r\n` },
    {
      label: 'pipelined junk',
      bytes: `GET /api/health HTTP/1.1\r\nHost: ${host}\r\n\r\nGARBAGE\r\n\r\n`,
    },
  ];
}
