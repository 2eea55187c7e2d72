// @ts-check
/**
 * The servers of a fleet load run, all real binaries on loopback ports (Debian's mosquitto
 * and victoria-metrics; the harness ends every process it started):
 *  - the central Mosquitto and VictoriaMetrics — what is measured;
 *  - a few edge Mosquittos, each bridged to the central one with the settings of a Pi's bridge
 *    (mosquitto/fleet/bridge.conf.template: QoS 1, persistent sessions, try_private, queue
 *    bounds), but forwarding `cryopilot/#` for all its devices: one broker per simulated device
 *    would measure this machine's 2 cores running 500 brokers, not the central side.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ManagedProcess } from '../lib/managed-process.mjs';
import { freePort, isListening } from '../lib/net.mjs';

const MOSQUITTO =
  ['/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto'].find((p) => existsSync(p)) ?? 'mosquitto';

/**
 * @param {string} dir
 * @param {string} name
 * @param {number} port
 * @param {string[]} extra
 */
async function startMosquitto(dir, name, port, extra) {
  const conf = join(dir, `${name}.conf`);
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      // Run as whoever runs the harness (as root Mosquitto would switch to `mosquitto`).
      `user ${userInfo().username}`,
      'persistence false',
      // The central broker's bounds (deploy/central/mosquitto/config/mosquitto.conf).
      'max_queued_messages 50000',
      'max_connections -1',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      ...extra,
      '',
    ].join('\n'),
  );
  const proc = new ManagedProcess({
    name,
    command: MOSQUITTO,
    args: ['-c', conf],
    aptPackage: 'mosquitto',
  });
  await proc.waitReady(() => isListening(port));
  return proc;
}

/** @param {string} centralPort @param {number} index */
function bridgeLines(centralPort, index) {
  return [
    'connection fleet-load-edge',
    `address 127.0.0.1:${centralPort}`,
    'bridge_protocol_version mqttv311',
    'try_private true',
    `remote_clientid edge-${index}`,
    `local_clientid edge-${index}-local`,
    'cleansession false',
    'local_cleansession false',
    'restart_timeout 1 10',
    'keepalive_interval 30',
    'notifications false',
    'topic cryopilot/# out 1',
  ];
}

/**
 * Starts VictoriaMetrics, the central broker and `edges` edge brokers.
 * @param {number} edges
 */
export async function startTopology(edges) {
  const dir = mkdtempSync(join(tmpdir(), 'cryopilot-fleet-load-'));
  /** @type {ManagedProcess[]} */
  const processes = [];
  try {
    const vmPort = await freePort();
    const vm = new ManagedProcess({
      name: 'victoria-metrics',
      command: 'victoria-metrics',
      args: [
        `-httpListenAddr=127.0.0.1:${vmPort}`,
        `-storageDataPath=${join(dir, 'vm')}`,
        '-retentionPeriod=100y',
        '-search.latencyOffset=0s',
        '-loggerLevel=ERROR',
      ],
      aptPackage: 'victoria-metrics',
    });
    processes.push(vm);
    await vm.waitReady(() => isListening(vmPort));
    const centralPort = await freePort();
    const central = await startMosquitto(dir, 'central', centralPort, []);
    processes.push(central);
    const edgePorts = [];
    for (let i = 0; i < edges; i += 1) {
      const port = await freePort();
      processes.push(
        await startMosquitto(dir, `edge-${i}`, port, bridgeLines(String(centralPort), i)),
      );
      edgePorts.push(port);
    }
    return {
      vm,
      vmUrl: `http://127.0.0.1:${vmPort}`,
      central,
      centralUrl: `mqtt://127.0.0.1:${centralPort}`,
      edgeUrls: edgePorts.map((p) => `mqtt://127.0.0.1:${p}`),
      async stop() {
        for (const p of processes.reverse()) await p.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const p of processes.reverse()) await p.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
