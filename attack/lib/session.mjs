// @ts-check
import { jsonRequest } from './http.mjs';
import { PASSWORD } from './users.mjs';

/**
 * Signs in and returns the session cookie (`cryopilot_session=…`). Sign-ins are limited to 10
 * a minute per address: callers spread them over source addresses.
 * @param {{ host: string, port: number }} target
 * @param {string} username
 * @param {{ from?: string, password?: string }} [options]
 */
export async function login(target, username, options = {}) {
  const response = await jsonRequest(
    target,
    'POST',
    '/api/auth/login',
    { username, password: options.password ?? PASSWORD },
    { from: options.from },
  );
  const setCookie = response.headers['set-cookie']?.[0];
  if (response.status !== 200 || !setCookie) {
    throw new Error(
      `login of ${username} failed: ${response.status} ${response.error ?? response.text}`,
    );
  }
  return setCookie.split(';')[0];
}

/**
 * A signed-in client of one service: GET and POST with its cookie, from 127.0.0.1.
 * @param {{ host: string, port: number }} target
 * @param {string} cookie
 */
export function sessionClient(target, cookie) {
  return {
    cookie,
    /** @param {string} path */
    get: (path) => jsonRequest(target, 'GET', path, undefined, { cookie }),
    /**
     * @param {string} path
     * @param {unknown} body
     */
    post: (path, body) => jsonRequest(target, 'POST', path, body, { cookie }),
    /**
     * A command over HTTP.
     * @param {string} name
     * @param {Record<string, unknown>} [args]
     */
    command: (name, args = {}) =>
      jsonRequest(target, 'POST', '/api/commands', { name, args }, { cookie }),
  };
}

/** @typedef {ReturnType<typeof sessionClient>} SessionClient */
