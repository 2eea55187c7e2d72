// @ts-check
import { connect } from 'node:net';
import { assertLoopback, HOME_ADDRESS } from './net.mjs';

/**
 * Writes `bytes` to a fresh TCP connection and collects what comes back until the server
 * closes or `waitMs` passes: the HTTP status codes found in the answer, and how it ended.
 * @param {{ host: string, port: number }} target
 * @param {string} bytes
 * @param {{ from?: string, waitMs?: number }} [options]
 * @returns {Promise<{ statuses: number[], text: string, closedByServer: boolean, error?: string }>}
 */
export function rawExchange(target, bytes, options = {}) {
  assertLoopback(target.host);
  return new Promise((resolve) => {
    const socket = connect({
      host: target.host,
      port: target.port,
      localAddress: options.from ?? HOME_ADDRESS,
    });
    let text = '';
    let closedByServer = false;
    /** @type {string | undefined} */
    let error;
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      const statuses = [...text.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));
      resolve({ statuses, text: text.slice(0, 4000), closedByServer, error });
    };
    const timer = setTimeout(finish, options.waitMs ?? 3000);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('end', () => {
      closedByServer = true;
      finish();
    });
    socket.on('error', (e) => {
      error = /** @type {{ code?: string }} */ (e).code ?? e.message;
      closedByServer = true;
      finish();
    });
  });
}
