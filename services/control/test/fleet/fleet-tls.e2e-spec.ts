/**
 * Fleet identity over TLS (docs/fleet.md, "Identity and revocation"): the central CA, server
 * certificate, client certificates and CRL made by the real deploy/central/fleet-device.sh; a
 * central Mosquitto with the client-certificate listener of the shipped
 * deploy/central/mosquitto/config/mosquitto.conf (8884: certificate required, CN as user name,
 * CRL; its port and certificate folder moved for the test) and the shipped ACL; a Pi's
 * Mosquitto with the bridge the real scripts/fleet/pi-bridge.sh renders for an mqtts:// URL and
 * a client certificate. Binary or container servers, as chosen by the test support (printed).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { MqttRecorder } from '../mqtt/support/mqtt-recorder';
import { ROOT, serverMode } from '../support/servers/engine';
import { freePort } from '../support/servers/local-server';
import { startMosquitto, type TestBroker } from '../support/servers/mosquitto';
import { answers, BRIDGE_SCRIPT, DEVICE_SCRIPT, scriptEnv } from './support/fleet-site';

/** The shipped central config's client-certificate listener, as written (ports and paths moved). */
const DEVICE_LISTENER = /^listener 8884\n(?:[^\n]+\n)+/m.exec(
  readFileSync(join(ROOT, 'deploy/central/mosquitto/config/mosquitto.conf'), 'utf8'),
)![0];
const DEVICE = 'fleet-tls';
const OTHER = 'fleet-tls-other';
let dir: string;
let certs: string;
let tlsPort: number;
let readerPassword: string;
const brokers: TestBroker[] = [];
let central: TestBroker;
let pi: TestBroker;
let bridgeConf: string;

const central$ = (...args: string[]) =>
  execFileSync('bash', [DEVICE_SCRIPT, ...args], {
    env: scriptEnv({ CENTRAL_DIR: dir, CENTRAL_URL: `mqtts://127.0.0.1:${tlsPort}` }),
    encoding: 'utf8',
  });
const file = (name: string) => ({ name, content: readFileSync(join(certs, name), 'utf8') });

/** A central broker with the device listener of the shipped central config, and the CRL of now. */
async function startCentral(): Promise<TestBroker> {
  const broker = await startMosquitto({
    passwordFile: readFileSync(join(dir, 'mosquitto/config/passwd'), 'utf8'),
    acl: readFileSync(join(ROOT, 'deploy/central/mosquitto/config/acl'), 'utf8'),
    controllable: true,
    extraFiles: ['ca.crt', 'server.crt', 'server.key', 'crl.pem'].map(file),
    extraConfig: (d) =>
      DEVICE_LISTENER.replace(/^listener 8884$/m, `listener ${tlsPort} 127.0.0.1`).replaceAll(
        '/mosquitto/certs/',
        `${d}/`,
      ),
  });
  brokers.push(broker);
  return broker;
}

/** What each device got from `fleet-device.sh add` (`revoke` deletes the central copy). */
const issued = new Map<string, { cert: Buffer; key: Buffer }>();
function keepIssued(device: string) {
  const deviceDir = join(dir, 'devices', device);
  issued.set(device, {
    cert: readFileSync(join(deviceDir, 'device.crt')),
    key: readFileSync(join(deviceDir, 'device.key')),
  });
}

/** A device's own MQTT client with its certificate, straight to the device listener. */
function connectAsDevice(device: string) {
  return connectAsync(`mqtts://127.0.0.1:${tlsPort}`, {
    clientId: `${device}-probe`,
    ca: readFileSync(join(certs, 'ca.crt')),
    ...issued.get(device)!,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5000,
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cryopilot-central-tls-'));
  certs = join(dir, 'mosquitto/certs');
  tlsPort = await freePort();
  central$('init', '127.0.0.1');
  const device = answers(central$('add', DEVICE, '--cert'));
  central$('add', OTHER, '--cert');
  keepIssued(DEVICE);
  keepIssued(OTHER);
  readerPassword = /password: (\w+)/.exec(central$('user', 'fleet-reader'))![1];
  central = await startCentral();

  // The Pi: its .env names the device; the answers are the ones fleet-device.sh printed.
  const piDir = join(dir, 'pi');
  const piCerts = join(piDir, 'certs');
  execFileSync('mkdir', ['-p', piDir]);
  writeFileSync(join(piDir, '.env'), `DEVICE_ID=${DEVICE}\n`);
  const container = (await serverMode('mosquitto')) === 'container';
  execFileSync('bash', [BRIDGE_SCRIPT], {
    env: scriptEnv({
      ENV_FILE: join(piDir, '.env'),
      BRIDGE_CONF: join(piDir, 'fleet-bridge.conf'),
      FLEET_CERTS_DIR: piCerts,
      // Where the Pi's broker sees them: the copies below in a container, else the host folder.
      FLEET_BROKER_CERTS_DIR: container ? '/mosquitto/config' : piCerts,
      FLEET_CENTRAL_URL: device.FLEET_CENTRAL_URL,
      FLEET_ALLOW_COMMANDS: 'no',
      FLEET_PASSWORD: '',
      FLEET_CERT_FILE: device.FLEET_CERT_FILE,
      FLEET_KEY_FILE: device.FLEET_KEY_FILE,
      FLEET_CA_FILE: device.FLEET_CA_FILE,
    }),
    stdio: 'pipe',
  });
  bridgeConf = readFileSync(join(piDir, 'fleet-bridge.conf'), 'utf8');
  pi = await startMosquitto({
    controllable: true,
    extraConfig: bridgeConf,
    extraFiles: ['ca.crt', 'device.crt', 'device.key'].map((name) => ({
      name,
      content: readFileSync(join(piCerts, name), 'utf8'),
    })),
  });
  brokers.push(pi);
}, 60_000);

afterAll(async () => {
  for (const b of brokers) await b.close();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe('fleet identity over TLS: client certificates and revocation', () => {
  it('a Pi bridges over TLS with its client certificate; its CN is its identity centrally', async () => {
    expect(bridgeConf).toMatch(/^bridge_certfile .*device\.crt$/m);
    expect(bridgeConf).toMatch(/^bridge_cafile .*ca\.crt$/m);
    expect(bridgeConf).not.toMatch(/^remote_password/m);
    const observer = await MqttRecorder.connect(central.url, ['cryopilot/#'], {
      username: 'fleet-reader',
      password: readerPassword,
    });
    const local = await MqttRecorder.connect(pi.url, []);
    try {
      await observer.waitFor(
        (m) => m.topic === `cryopilot/${DEVICE}/bridge/state` && m.text === '1',
        20_000,
      );
      await local.publish(`cryopilot/${DEVICE}/telemetry`, '{"seq":1}');
      await observer.waitFor((m) => m.topic === `cryopilot/${DEVICE}/telemetry`);
    } finally {
      await local.close();
      await observer.close();
    }
  }, 40_000);

  it('the CN decides the subtree: a device certificate cannot publish for another device', async () => {
    const client = await connectAsDevice(OTHER);
    try {
      // MQTT 3.1.1: the broker drops it silently; nothing may reach a reader of DEVICE's tree.
      const observer = await MqttRecorder.connect(central.url, ['cryopilot/#'], {
        username: 'fleet-reader',
        password: readerPassword,
      });
      try {
        await client.publishAsync(`cryopilot/${DEVICE}/valve/state`, 'forged', { qos: 1 });
        await client.publishAsync(`cryopilot/${OTHER}/probe`, 'own', { qos: 1 });
        await observer.waitFor((m) => m.topic === `cryopilot/${OTHER}/probe`);
        expect(observer.messages.filter((m) => m.text === 'forged')).toEqual([]);
      } finally {
        await observer.close();
      }
    } finally {
      await client.endAsync(true);
    }
  }, 30_000);

  it('a revoked certificate is refused once the broker runs with the new CRL; others are not', async () => {
    const before = await connectAsDevice(DEVICE);
    await before.endAsync(true);
    central$('revoke', DEVICE);
    expect(
      execFileSync('openssl', ['crl', '-in', join(certs, 'crl.pem'), '-noout', '-text'], {
        encoding: 'utf8',
      }),
    ).toContain('Serial Number');
    // Mosquitto 2.0 reads crlfile when a listener starts: a broker (re)started with the new
    // CRL, on the same port (the first one stops, as `docker compose restart` would).
    await central.close();
    central = await startCentral();
    await expect(connectAsDevice(DEVICE)).rejects.toThrow();
    const other = await connectAsDevice(OTHER);
    await other.endAsync(true);
  }, 40_000);
});
