// @ts-check
import { connect } from 'node:net';
import WebSocket from 'ws';
import { wallNowMs } from '../lib/wall-clock.mjs';
import { missingAcrossClients, sampleStamp } from './sample-message.mjs';

/**
 * N WebSocket clients in this process, standing in for N browsers. Each stamps every message
 * with the receive time first thing, then takes the sample's acquisition `ts` from it. Wire
 * bytes are counted on each client's own TCP socket.
 */

/**
 * @typedef {object} FanoutResult
 * @property {number} clients
 * @property {number[]} latenciesMs receive − acquisition, every sample of every client
 * @property {{ seq: number, recvMs: number }[]} receipts every sample receipt (for the MQTT hop)
 * @property {number} samplesPerClient mean samples received per client
 * @property {number} missing samples not received (lost or conflated), summed over clients
 * @property {number} wireBytesPerSamplePerClient TCP bytes received / samples received
 * @property {number} payloadBytesPerSample mean length of one sample message
 * @property {number} disconnects clients that closed during the window
 */

export class WsFanout {
  /**
   * @param {string} url
   * @param {number} count
   * @param {Record<string, string>} headers e.g. the session cookie
   */
  constructor(url, count, headers) {
    /** @private */ this.url = url;
    /** @private */ this.count = count;
    /** @private */ this.headers = headers;
    /** @private @type {{ socket: WebSocket, tcp: import('node:net').Socket | null, seqs: number[], bytesAtStart: number }[]} */
    this.clients = [];
    /** @private */ this.recording = false;
    /** @private @type {number[]} */ this.latencies = [];
    /** @private @type {{ seq: number, recvMs: number }[]} */ this.receipts = [];
    /** @private */ this.payloadBytes = 0;
    /** @private */ this.disconnects = 0;
    /** @private @type {Error | null} */ this.error = null;
  }

  /** Opens every client (in batches, like browsers arriving), resolves when all are open. */
  async open() {
    const BATCH = 25;
    for (let i = 0; i < this.count; i += BATCH) {
      const batch = [];
      for (let j = i; j < Math.min(this.count, i + BATCH); j++) batch.push(this.openOne());
      await Promise.all(batch);
    }
  }

  /** Starts recording (messages before this are warm-up). */
  startRecording() {
    for (const client of this.clients) {
      client.seqs = [];
      client.bytesAtStart = client.tcp?.bytesRead ?? 0;
    }
    this.latencies = [];
    this.receipts = [];
    this.payloadBytes = 0;
    this.disconnects = 0;
    this.recording = true;
  }

  /**
   * Stops recording and returns what was measured.
   * @returns {FanoutResult}
   */
  stopRecording() {
    this.recording = false;
    if (this.error) throw this.error;
    let samples = 0;
    let wireBytes = 0;
    for (const client of this.clients) {
      samples += client.seqs.length;
      wireBytes += (client.tcp?.bytesRead ?? 0) - client.bytesAtStart;
    }
    const missing = missingAcrossClients(this.clients.map((c) => c.seqs));
    return {
      clients: this.clients.length,
      latenciesMs: this.latencies,
      receipts: this.receipts,
      samplesPerClient: samples / Math.max(1, this.clients.length),
      missing,
      wireBytesPerSamplePerClient: samples ? wireBytes / samples : 0,
      payloadBytesPerSample: samples ? this.payloadBytes / samples : 0,
      disconnects: this.disconnects,
    };
  }

  /** Closes every client. */
  async close() {
    await Promise.all(
      this.clients.map(
        ({ socket }) =>
          new Promise((resolve) => {
            if (socket.readyState === WebSocket.CLOSED) return resolve(undefined);
            socket.once('close', resolve);
            socket.terminate();
          }),
      ),
    );
    this.clients = [];
  }

  /**
   * @private
   * @returns {Promise<void>}
   */
  openOne() {
    /** @type {{ socket: WebSocket, tcp: import('node:net').Socket | null, seqs: number[], bytesAtStart: number }} */
    const client = {
      socket: /** @type {WebSocket} */ (/** @type {unknown} */ (null)),
      tcp: null,
      seqs: [],
      bytesAtStart: 0,
    };
    const origin = this.url.replace(/^ws/, 'http').replace(/\/ws$/, '');
    /** @param {import('node:net').NetConnectOpts} options */
    const ownSocket = (options) => {
      client.tcp = connect(options);
      return client.tcp;
    };
    const socket = new WebSocket(this.url, {
      headers: { ...this.headers, origin },
      perMessageDeflate: false,
      // The client's own TCP socket, so that its received bytes can be counted (http.request
      // calls it with an options object only).
      createConnection: /** @type {typeof connect} */ (/** @type {unknown} */ (ownSocket)),
    });
    client.socket = socket;
    this.clients.push(client);
    socket.on('message', (data) => {
      const recvMs = wallNowMs();
      if (!this.recording) return;
      const text = messageText(data);
      try {
        const stamp = sampleStamp(text);
        if (!stamp) return;
        client.seqs.push(stamp.seq);
        this.latencies.push(recvMs - stamp.tsMs);
        this.receipts.push({ seq: stamp.seq, recvMs });
        this.payloadBytes += Buffer.byteLength(text);
      } catch (error) {
        // A malformed sample breaks the contract: keep the first error, report it at the end.
        this.error ??= error instanceof Error ? error : new Error(String(error));
      }
    });
    socket.on('close', () => {
      if (this.recording) this.disconnects++;
    });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (_request, response) =>
        reject(new Error(`WebSocket ${this.url}: HTTP ${response.statusCode}`)),
      );
      socket.on('error', (error) => {
        // Before the open: the connection failed. After: the window reports the first error.
        reject(error);
        if (this.recording) this.error ??= error;
      });
    });
  }
}

/**
 * The text of a received message (a Buffer, or fragments of one).
 * @param {import('ws').RawData} data
 * @returns {string}
 */
function messageText(data) {
  if (Array.isArray(data)) return Buffer.concat(data).toString();
  return Buffer.from(/** @type {Buffer} */ (data)).toString();
}
