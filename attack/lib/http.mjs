// @ts-check
import { request as httpRequest } from 'node:http';
import { assertLoopback, HOME_ADDRESS } from './net.mjs';

/**
 * HTTP on loopback with a chosen source address (`localAddress`), one connection per request
 * (no keep-alive: every request is a fresh client). Never throws: a refused connection, a
 * reset or a timeout is a response with status 0 and `error` set.
 */

/**
 * @typedef {object} HttpResponse
 * @property {number} status 0 when no response came (see `error`)
 * @property {string} [error] connection error code or `timeout`
 * @property {import('node:http').IncomingHttpHeaders} headers
 * @property {string} text
 * @property {any} json the parsed body, or undefined when it is not JSON
 * @property {number} ms time to the end of the response
 */

/**
 * @typedef {object} RequestSpec
 * @property {string} [method]
 * @property {string} path
 * @property {Record<string, string | number>} [headers]
 * @property {string | Buffer} [body] sent as is (Content-Length set unless given)
 * @property {string} [from] source address (default 127.0.0.1)
 * @property {number} [timeoutMs]
 */

/**
 * @param {{ host: string, port: number }} target
 * @param {RequestSpec} spec
 * @returns {Promise<HttpResponse>}
 */
export function request(target, spec) {
  assertLoopback(target.host);
  const from = spec.from ?? HOME_ADDRESS;
  assertLoopback(from);
  const started = performance.now();
  const body = spec.body === undefined ? undefined : Buffer.from(spec.body);
  /** @type {Record<string, string | number>} */
  const headers = { ...(spec.headers ?? {}) };
  const named = (/** @type {string} */ name) =>
    Object.keys(headers).some((h) => h.toLowerCase() === name);
  if (body && !named('content-length') && !named('transfer-encoding')) {
    headers['content-length'] = body.length;
  }
  return new Promise((resolve) => {
    /** @param {Partial<HttpResponse>} r */
    const done = (r) =>
      resolve({
        status: 0,
        headers: {},
        text: '',
        json: undefined,
        ...r,
        ms: performance.now() - started,
      });
    const req = httpRequest(
      {
        host: target.host,
        port: target.port,
        method: spec.method ?? 'GET',
        path: spec.path,
        headers,
        localAddress: from,
        agent: false,
      },
      (res) => {
        /** @type {Buffer[]} */
        const chunks = [];
        res.on('data', (/** @type {Buffer} */ c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          done({ status: res.statusCode ?? 0, headers: res.headers, text, json: parseJson(text) });
        });
        res.on('error', (error) => done({ error: errorCode(error) }));
      },
    );
    req.setTimeout(spec.timeoutMs ?? 10_000, () => {
      req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' }));
    });
    // A server that answers early (413, 403) may reset the rest of a large upload: the answer
    // still arrives first; the error only counts when there was none.
    req.on('error', (error) => done({ error: errorCode(error) }));
    req.end(body);
  });
}

/**
 * A JSON request (`value` stringified unless it is already a string).
 * @param {{ host: string, port: number }} target
 * @param {string} method
 * @param {string} path
 * @param {unknown} value
 * @param {{ cookie?: string, from?: string, origin?: string, headers?: Record<string, string> }} [options]
 */
export function jsonRequest(target, method, path, value, options = {}) {
  /** @type {Record<string, string>} */
  const headers = { 'content-type': 'application/json', ...(options.headers ?? {}) };
  if (options.cookie) headers.cookie = options.cookie;
  if (options.origin !== undefined) headers.origin = options.origin;
  return request(target, {
    method,
    path,
    headers,
    body:
      value === undefined ? undefined : typeof value === 'string' ? value : JSON.stringify(value),
    from: options.from,
  });
}

/**
 * The HTTP status class of a response: `2xx` … `5xx`, or `none` when no response came.
 * @param {HttpResponse} response
 */
export function statusClass(response) {
  return response.status === 0 ? 'none' : `${Math.floor(response.status / 100)}xx`;
}

/** @param {string} text */
function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON (an HTML error page, an empty body): the caller looks at the status.
    return undefined;
  }
}

/** @param {unknown} error */
function errorCode(error) {
  const code = /** @type {{ code?: string }} */ (error).code;
  return code ?? (error instanceof Error ? error.message : String(error));
}
