// @ts-check
import WebSocket from 'ws';
import { assertLoopback, HOME_ADDRESS } from './net.mjs';

/**
 * A client of the operator WebSocket (`/ws`): the upgrade's outcome (101 or the HTTP status of
 * the refusal), the command results it got, the snapshot, the close code. Cheap per message
 * (samples are only counted), so that hundreds can run in the harness.
 */
export class WsClient {
  /** @param {WebSocket} socket */
  constructor(socket) {
    /** @readonly */
    this.socket = socket;
    /** @type {any[]} command results in arrival order */
    this.results = [];
    this.samples = 0;
    /** Wall time the snapshot arrived (ms since epoch), null before. @type {number | null} */
    this.snapshotAtMs = null;
    /** @type {number | null} */
    this.closeCode = null;
    /** @type {Promise<number>} resolves with the close code */
    this.closed = new Promise((resolve) =>
      socket.on('close', (code) => {
        this.closeCode = code;
        resolve(code);
      }),
    );
    /** @private @type {(() => void)[]} */
    this.waiters = [];
    socket.on('message', (/** @type {Buffer} */ data) => this.receive(data));
    // A reset after a close frame or a terminate: the close code says what happened.
    socket.on('error', () => undefined);
  }

  /**
   * Opens `/ws` of `target`. Resolves with status 101 and the client, or the refusal's HTTP
   * status (0 with `error` when the connection failed).
   * @param {{ host: string, port: number }} target
   * @param {{ cookie?: string, origin?: string | null, from?: string, timeoutMs?: number, headers?: Record<string, string> }} [options]
   *   `origin: null` sends no Origin header; default is the service's own origin
   * @returns {Promise<{ status: number, client?: WsClient, error?: string }>}
   */
  static open(target, options = {}) {
    assertLoopback(target.host);
    const from = options.from ?? HOME_ADDRESS;
    assertLoopback(from);
    /** @type {Record<string, string>} */
    const headers = { ...(options.headers ?? {}) };
    if (options.cookie) headers.cookie = options.cookie;
    const origin =
      options.origin === undefined ? `http://${target.host}:${target.port}` : options.origin;
    if (origin !== null) headers.origin = origin;
    const socket = new WebSocket(`ws://${target.host}:${target.port}/ws`, {
      headers,
      localAddress: from,
      handshakeTimeout: options.timeoutMs ?? 15_000,
      perMessageDeflate: false,
    });
    const client = new WsClient(socket);
    return new Promise((resolve) => {
      socket.once('open', () => resolve({ status: 101, client }));
      socket.once('unexpected-response', (_req, res) => {
        resolve({ status: res.statusCode ?? 0 });
        res.resume();
        socket.terminate();
      });
      socket.once('error', (error) =>
        resolve({
          status: 0,
          error: /** @type {{ code?: string }} */ (error).code ?? error.message,
        }),
      );
    });
  }

  /**
   * @param {string | Buffer} data
   * @param {boolean} [binary]
   */
  send(data, binary = false) {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(data, { binary });
  }

  /**
   * Resolves once `count` results arrived, the socket closed, or `timeoutMs` passed.
   * @param {number} count
   * @param {number} timeoutMs
   */
  async waitResults(count, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    while (this.results.length < count && this.closeCode === null && Date.now() < deadline) {
      await new Promise((resolve) => {
        this.waiters.push(() => resolve(undefined));
        setTimeout(resolve, 50);
      });
    }
    return this.results.length;
  }

  /**
   * Closes (normal closure) and waits for the close, at most `timeoutMs`.
   * @param {number} [timeoutMs]
   */
  async close(timeoutMs = 3000) {
    if (this.closeCode === null) {
      this.socket.close(1000);
      const timer = setTimeout(() => this.socket.terminate(), timeoutMs);
      await this.closed;
      clearTimeout(timer);
    }
    return this.closeCode;
  }

  /**
   * @private
   * @param {Buffer} data
   */
  receive(data) {
    const head = data.subarray(0, 40).toString('utf8');
    if (head.includes('"sample"')) {
      this.samples += 1;
      return;
    }
    if (head.includes('"snapshot"')) {
      this.snapshotAtMs ??= Date.now();
      return;
    }
    if (!head.includes('"command-result"')) return;
    try {
      this.results.push(JSON.parse(data.toString('utf8')));
    } catch {
      // The service sends JSON; a cut frame would show as a missing result.
    }
    for (const wake of this.waiters.splice(0)) wake();
  }
}
