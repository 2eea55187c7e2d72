/**
 * The provisioned broker config, the password file `make setup` writes and the ACL, loaded by
 * the real `mosquitto` binary (listener and paths adapted for the test in a temp copy).
 */
import { spawnSync } from 'node:child_process';
import { connect as tcpConnect } from 'node:net';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mqtt, { MqttClient } from 'mqtt';
import { reportServer } from '../support/servers/engine';
import { freePort, LocalServer } from '../support/servers/local-server';

const ROOT = resolve(__dirname, '../../../..');

let dir: string;
let port: number;
let broker: LocalServer;
let env: Record<string, string>;
const clients: MqttClient[] = [];

function readEnv(path: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

beforeAll(async () => {
  if (spawnSync('sh', ['-c', 'command -v mosquitto_passwd']).status !== 0) {
    throw new Error('mosquitto_passwd not found: apt-get install mosquitto');
  }
  dir = mkdtempSync(join(tmpdir(), 'cryopilot-mosquitto-'));
  mkdirSync(join(dir, 'data'));
  // `make setup`: secrets into .env, then the hashed password file.
  const setup = spawnSync('bash', [join(ROOT, 'scripts/pi-setup.sh')], {
    env: {
      ...process.env,
      ENV_FILE: join(dir, '.env'),
      ENV_EXAMPLE: join(ROOT, '.env.example'),
      PASSWD_FILE: join(dir, 'passwd'),
      CERTS_DIR: join(dir, 'certs'),
      BACKUP_DIR: join(dir, 'backups'),
    },
    encoding: 'utf8',
  });
  if (setup.status !== 0) throw new Error(`pi-setup.sh failed:\n${setup.stdout}${setup.stderr}`);
  env = readEnv(join(dir, '.env'));
  giveToBrokerUser(dir);
  port = await freePort();
  const conf = readFileSync(join(ROOT, 'mosquitto/config/mosquitto.conf'), 'utf8')
    .replace('listener 1883', `listener ${port} 127.0.0.1`)
    .replace('/mosquitto/config/passwd', join(dir, 'passwd'))
    .replace('/mosquitto/config/acl', join(ROOT, 'mosquitto/config/acl'))
    .replace('/mosquitto/config/conf.d', join(ROOT, 'mosquitto/config/conf.d'))
    .replace('/mosquitto/data/', `${join(dir, 'data')}/`);
  writeFileSync(join(dir, 'mosquitto.conf'), conf);
  broker = new LocalServer({
    command: 'mosquitto',
    args: ['-c', join(dir, 'mosquitto.conf')],
    aptPackage: 'mosquitto',
    isReady: () =>
      new Promise((ok) => {
        const socket = tcpConnect(port, '127.0.0.1', () => {
          socket.destroy();
          ok(true);
        }).on('error', () => ok(false));
      }),
  });
  await broker.start();
  // The binary on purpose: the provisioned file with its paths moved to a temp folder (the
  // same file runs in the broker container in pi-stack.e2e-spec.ts).
  reportServer('mosquitto (provisioned config)', 'binary:mosquitto');
}, 30_000);

afterAll(async () => {
  for (const c of clients) c.end(true);
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Started as root, mosquitto drops to the user `mosquitto`, as the image's broker runs as uid
 * 1883: the files it reads get that owner, as the image's entrypoint does with chown.
 */
function giveToBrokerUser(path: string): void {
  if (process.getuid?.() !== 0) return;
  const id = spawnSync('id', ['-u', 'mosquitto'], { encoding: 'utf8' });
  if (id.status !== 0) throw new Error('user mosquitto missing: apt-get install mosquitto');
  const uid = Number(id.stdout.trim());
  chmodSync(path, 0o755);
  for (const name of ['', 'passwd', 'data']) chownSync(join(path, name), uid, uid);
}

/** Connects; rejects with the broker's refusal. */
function connectAs(username?: string, password?: string): Promise<MqttClient> {
  return new Promise((ok, fail) => {
    const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
      username,
      password,
      protocolVersion: 5,
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });
    clients.push(client);
    client.once('connect', () => ok(client));
    client.once('error', (error) => {
      client.end(true);
      fail(error);
    });
  });
}

/** Messages `subscriber` receives on `filter` while `action` runs (plus a short grace). */
async function received(
  subscriber: MqttClient,
  filter: string,
  action: () => Promise<unknown>,
): Promise<string[]> {
  const got: string[] = [];
  const onMessage = (topic: string, payload: Buffer) => got.push(`${topic} ${payload.toString()}`);
  subscriber.on('message', onMessage);
  await subscriber.subscribeAsync(filter, { qos: 1 });
  await action();
  await new Promise((r) => setTimeout(r, 300));
  subscriber.off('message', onMessage);
  await subscriber.unsubscribeAsync(filter);
  return got;
}

describe('provisioned Mosquitto config, password file and ACL', () => {
  it('the service user publishes its base topic and Home Assistant discovery; readers receive them', async () => {
    const service = await connectAs('cryopilot', env.MQTT_PASSWORD);
    const reader = await connectAs('reader', env.MQTT_READONLY_PASSWORD);
    const got = await received(reader, '#', async () => {
      await service.publishAsync('cryopilot/pi/status', 'online', { qos: 1, retain: true });
      await service.publishAsync('homeassistant/sensor/pi/o2_1/config', '{}', { qos: 1 });
    });
    expect(got).toEqual(['cryopilot/pi/status online', 'homeassistant/sensor/pi/o2_1/config {}']);
  });

  it('a read-only user cannot publish, not even a command to the service', async () => {
    const service = await connectAs('cryopilot', env.MQTT_PASSWORD);
    const reader = await connectAs('reader', env.MQTT_READONLY_PASSWORD);
    const got = await received(service, 'cryopilot/+/cmd/#', async () => {
      // MQTT 5: the broker answers a refused QoS 1 publish with "not authorized" (or drops it).
      await reader
        .publishAsync('cryopilot/pi/cmd/valve.open', '{"id":"x","args":{}}', { qos: 1 })
        .catch(() => undefined);
    });
    expect(got).toEqual([]);
  });

  it('the service user cannot write outside its topics', async () => {
    const service = await connectAs('cryopilot', env.MQTT_PASSWORD);
    const health = await connectAs('healthcheck', env.MQTT_HEALTHCHECK_PASSWORD);
    const got = await received(health, 'health/#', () =>
      service.publishAsync('health/spoof', 'x', { qos: 1 }).catch(() => undefined),
    );
    expect(got).toEqual([]);
  });

  it('refuses anonymous clients and wrong passwords', async () => {
    await expect(connectAs()).rejects.toThrow(/Not authorized|Bad User Name or Password/i);
    await expect(connectAs('cryopilot', 'not-the-password')).rejects.toThrow(
      /Not authorized|Bad User Name or Password/i,
    );
  });

  it('the container health check (a publish/subscribe round trip) passes against it', () => {
    for (const tool of ['mosquitto_sub', 'mosquitto_pub']) {
      if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
        throw new Error(`${tool} not found: apt-get install mosquitto-clients`);
      }
    }
    const result = spawnSync('sh', [join(ROOT, 'mosquitto/healthcheck.sh')], {
      env: {
        ...process.env,
        MQTT_PORT: String(port),
        MQTT_HEALTHCHECK_PASSWORD: env.MQTT_HEALTHCHECK_PASSWORD,
      },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(result.status).toBe(0);
    const wrong = spawnSync('sh', [join(ROOT, 'mosquitto/healthcheck.sh')], {
      env: { ...process.env, MQTT_PORT: String(port), MQTT_HEALTHCHECK_PASSWORD: 'wrong' },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(wrong.status).not.toBe(0);
  });
});
