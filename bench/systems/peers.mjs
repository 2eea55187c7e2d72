// @ts-check
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManagedProcess } from '../lib/managed-process.mjs';
import { firstMessage } from '../clients/first-message.mjs';
import { freePort, isListening } from '../lib/net.mjs';
import { BENCH_DIR } from '../lib/paths.mjs';
import { MQTT_PASSWORD, MQTT_USER } from '../infra/mosquitto.mjs';

/**
 * The two peers, started as separate processes that relay the service's MQTT telemetry to
 * WebSocket clients on `ws://127.0.0.1:<port>/ws`.
 */

/**
 * @typedef {object} PeerOptions
 * @property {number} mqttPort loopback broker port
 * @property {string} topic telemetry topic to relay
 * @property {string} workDir temp folder
 * @property {string} [node] the Node binary (default: the harness's; the bench gives the one the
 *   service runs on, so that the comparison is between the programs, not between two runtimes)
 */

/**
 * @typedef {object} RunningPeer
 * @property {'relay' | 'node-red'} system
 * @property {ManagedProcess} process
 * @property {string} wsUrl
 * @property {number} port
 */

/**
 * Spawns the bare relay (does not wait: start-up is measured from the spawn).
 * @param {PeerOptions} options
 * @returns {Promise<RunningPeer>}
 */
export async function spawnRelay(options) {
  const port = await freePort();
  const proc = new ManagedProcess({
    name: 'bare relay',
    command: options.node ?? process.execPath,
    args: [join(BENCH_DIR, 'peers/bare-relay.mjs')],
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      MQTT_URL: `mqtt://127.0.0.1:${options.mqttPort}`,
      TOPIC: options.topic,
      PORT: String(port),
      MQTT_USERNAME: MQTT_USER,
      MQTT_PASSWORD,
    },
  });
  return { system: 'relay', process: proc, wsUrl: `ws://127.0.0.1:${port}/ws`, port };
}

/**
 * Spawns Node-RED headless with the bench flow (does not wait).
 * @param {PeerOptions} options
 * @returns {Promise<RunningPeer>}
 */
export async function spawnNodeRed(options) {
  const port = await freePort();
  const userDir = join(options.workDir, `node-red-${port}`);
  mkdirSync(userDir, { recursive: true });
  const flowFile = join(userDir, 'flows.json');
  // A copy: Node-RED keeps its runtime files next to the flow, never in the repository.
  copyFileSync(join(BENCH_DIR, 'peers/node-red/flow.json'), flowFile);
  // The broker login, as Node-RED keeps it: in the flow's credentials file (plain JSON, since
  // the bench settings set no credentialSecret).
  writeFileSync(
    join(userDir, 'flows_cred.json'),
    JSON.stringify({ 'bench.broker': { user: MQTT_USER, password: MQTT_PASSWORD } }),
  );
  const proc = new ManagedProcess({
    name: 'Node-RED',
    command: options.node ?? process.execPath,
    args: [
      join(BENCH_DIR, 'node_modules/node-red/red.js'),
      '--settings',
      join(BENCH_DIR, 'peers/node-red/settings.cjs'),
      '--userDir',
      userDir,
    ],
    env: {
      PATH: process.env.PATH,
      HOME: userDir,
      NODE_ENV: 'production',
      NODE_RED_PORT: String(port),
      NODE_RED_FLOW_FILE: flowFile,
      MQTT_HOST: '127.0.0.1',
      MQTT_PORT: String(options.mqttPort),
      TELEMETRY_TOPIC: options.topic,
    },
  });
  return { system: 'node-red', process: proc, wsUrl: `ws://127.0.0.1:${port}/ws`, port };
}

/**
 * Waits until the peer forwards samples: a WebSocket client gets a message (the port alone is
 * not enough: Node-RED listens before its flow has started and subscribed).
 * @param {RunningPeer} peer
 */
export async function waitPeerForwarding(peer) {
  await peer.process.waitReady(
    async () => (await isListening(peer.port)) && (await firstMessage(peer.wsUrl, 5_000)) !== null,
    60_000,
  );
}
