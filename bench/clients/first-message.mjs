// @ts-check
import WebSocket from 'ws';

/**
 * Connects to `url` and waits for the first message. Null when the connection is refused or
 * dropped, or when nothing arrives within `timeoutMs` (callers retry until their deadline).
 * @param {string} url
 * @param {number} [timeoutMs]
 * @returns {Promise<number | null>} receive time (epoch ms)
 */
export function firstMessage(url, timeoutMs = 10_000) {
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    const timer = setTimeout(() => socket.terminate(), timeoutMs);
    socket.once('message', () => {
      const recvMs = Date.now();
      clearTimeout(timer);
      socket.terminate();
      resolve(recvMs);
    });
    // A refused or dropped connection is the expected answer while the server starts.
    socket.on('error', () => resolve(null));
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(null);
    });
  });
}
