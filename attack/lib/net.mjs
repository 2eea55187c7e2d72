// @ts-check
import { createServer } from 'node:net';

/**
 * Loopback only: every address the harness talks to or from is in 127.0.0.0/8, which Linux
 * routes to the loopback interface as a whole. Source addresses other than 127.0.0.1 stand in
 * for many clients (the service's limits are per address).
 */

/** The harness's own address: health checks, the observer, the admin's reads. */
export const HOME_ADDRESS = '127.0.0.1';

/**
 * Source address `index` (0-based) of a block of loopback addresses: block 1 is
 * 127.0.1.1–127.0.1.254, block 2 127.0.2.1–…; blocks never include 127.0.0.1.
 * @param {number} block 1..254
 * @param {number} index wraps around after 254
 */
export function sourceAddress(block, index) {
  if (!Number.isInteger(block) || block < 1 || block > 254) throw new Error(`bad block ${block}`);
  return `127.0.${block}.${(index % 254) + 1}`;
}

/**
 * Throws unless `host` is a loopback address: the run must never reach another machine.
 * @param {string} host
 */
export function assertLoopback(host) {
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) {
    throw new Error(`not a loopback address: ${host} (the attack run stays on 127.0.0.0/8)`);
  }
}

/** A free TCP port on 127.0.0.1. @returns {Promise<number>} */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOME_ADDRESS, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
