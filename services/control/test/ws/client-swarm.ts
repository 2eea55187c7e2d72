import { Worker } from 'node:worker_threads';

/**
 * Many WebSocket clients in a worker thread, so that their receive work runs beside the
 * service like real remote pages do, not on the service's own event loop. Counts samples.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const WebSocket = require(workerData.wsPath);
const counts = new Array(workerData.count).fill(0);
const sockets = [];
let opened = 0;
for (let i = 0; i < workerData.count; i++) {
  const socket = new WebSocket(workerData.url, { headers: { cookie: workerData.cookie } });
  socket.on('open', () => { if (++opened === workerData.count) parentPort.postMessage({ type: 'open' }); });
  socket.on('message', (data) => { if (String(data).startsWith('{"type":"sample"')) counts[i]++; });
  socket.on('error', (e) => parentPort.postMessage({ type: 'error', message: String(e) }));
  sockets.push(socket);
}
parentPort.on('message', (m) => {
  if (m === 'counts') parentPort.postMessage({ type: 'counts', counts: counts.slice() });
  if (m === 'close') { for (const s of sockets) s.terminate(); parentPort.postMessage({ type: 'closed' }); }
});
`;

export class ClientSwarm {
  private constructor(private readonly worker: Worker) {}

  /** Opens `count` clients and resolves once every one is connected. */
  static async open(url: string, cookie: string, count: number): Promise<ClientSwarm> {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { url, cookie, count, wsPath: require.resolve('ws') },
    });
    const swarm = new ClientSwarm(worker);
    await swarm.reply('open');
    return swarm;
  }

  /** Samples received so far, per client. */
  async counts(): Promise<number[]> {
    this.worker.postMessage('counts');
    return ((await this.reply('counts')) as { counts: number[] }).counts;
  }

  async close(): Promise<void> {
    this.worker.postMessage('close');
    await this.reply('closed');
    await this.worker.terminate();
  }

  private reply(type: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const onMessage = (m: { type: string; message?: string }) => {
        if (m.type === 'error') {
          this.worker.off('message', onMessage);
          reject(new Error(m.message));
        } else if (m.type === type) {
          this.worker.off('message', onMessage);
          resolve(m);
        }
      };
      this.worker.on('message', onMessage);
    });
  }
}
