/**
 * Fleet (docs/fleet.md): three CryoPilot services with simulated HATs, each with its own
 * Mosquitto bridged to one central Mosquitto by the config the real `make setup` step
 * (scripts/fleet/pi-bridge.sh) renders from the real template, identities made by the real
 * central script (deploy/central/fleet-device.sh) and the shipped central ACL, and a central
 * time-series database (VictoriaMetrics: the InfluxDB v2 write API; the InfluxDB 2 replication
 * path runs in the GitHub workflow). Which servers ran (binary or container) is printed per
 * server ("test server: …").
 *
 * The WAN cut lasts about 10 s of wall time here (≈ 100 telemetry messages of the cut Pi, at
 * the 100 ms sample period of these tests) instead of minutes: the mechanism — the local
 * broker's queue for the disconnected bridge, QoS 1, persistent sessions on both sides — is
 * the same; only the queue length differs (docs/fleet.md sizes it for an hour).
 */
import { VictoriaMetricsServer } from '../support/servers/victoria-metrics';
import { eventually } from '../support/test-app';
import { MqttRecorder, type Received } from '../mqtt/support/mqtt-recorder';
import { CentralSite, Pi } from './support/fleet-site';

const DEVICES = ['fleet-a', 'fleet-b', 'fleet-c'] as const;
/** Only fleet-a answered FLEET_ALLOW_COMMANDS=yes. */
const COMMANDED = 'fleet-a';

let central: CentralSite;
let tsdb: VictoriaMetricsServer;
let observer: MqttRecorder;
const pis = new Map<string, Pi>();

const seqsOf = (messages: readonly Received[]) =>
  messages.map((m) => (JSON.parse(m.text) as { seq: number }).seq);

beforeAll(async () => {
  central = await CentralSite.start(DEVICES);
  tsdb = await VictoriaMetricsServer.start();
  observer = await MqttRecorder.connect(central.broker.url, ['cryopilot/#', 'homeassistant/#'], {
    username: 'fleet-reader',
    password: central.people['fleet-reader'],
  });
  for (const device of DEVICES) {
    const pi = await Pi.start({
      device,
      password: central.devicePasswords[device],
      allowCommands: device === COMMANDED,
      central: central.broker,
      tsdb,
    });
    pis.set(device, pi);
  }
}, 120_000);

afterAll(async () => {
  await observer?.close();
  for (const pi of pis.values()) await pi.close();
  await tsdb?.close();
  await central?.close();
}, 60_000);

describe('fleet: three Pis bridged to one central broker and database', () => {
  it('every device’s states, telemetry and bridge link state reach the central broker under its own id; discovery stays local', async () => {
    for (const device of DEVICES) {
      const base = `cryopilot/${device}`;
      // The bridge's topics are the device id the service publishes under (one DEVICE_ID).
      expect(pis.get(device)!.app.config.deviceId).toBe(device);
      expect(pis.get(device)!.bridgeConf).toContain(`topic telemetry out 1 ${base}/ ${base}/`);
      for (const topic of ['status', 'channels/o2_1/state', 'valve/state', 'telemetry']) {
        await observer.waitFor((m) => m.topic === `${base}/${topic}`, 20_000);
      }
      await observer.waitFor((m) => m.topic === `${base}/status` && m.text === 'online');
      await observer.waitFor((m) => m.topic === `${base}/bridge/state` && m.text === '1');
    }
    expect(observer.messages.filter((m) => m.topic.startsWith('homeassistant/'))).toEqual([]);
  }, 60_000);

  it('every device’s telemetry reaches the central time-series database with its device tag', async () => {
    const devices = await eventually(
      async () => {
        await tsdb.flush();
        const found = new Set((await tsdb.export('channel_seq')).map((s) => s.metric.device));
        return DEVICES.every((d) => found.has(d)) && found;
      },
      30_000,
      500,
    );
    expect([...devices].sort()).toEqual([...DEVICES]);
  }, 40_000);

  it('a WAN cut loses nothing: what a Pi published meanwhile arrives centrally afterwards', async () => {
    const pi = pis.get('fleet-b')!;
    const topic = 'cryopilot/fleet-b/telemetry';
    const local = await MqttRecorder.connect(pi.broker.url, [topic]);
    try {
      await local.waitFor(() => true);
      pi.wan.cut();
      const cutAt = Date.now();
      // The central broker publishes the bridge's last will at once (the socket is gone).
      await observer.waitFor(
        (m) => m.topic === 'cryopilot/fleet-b/bridge/state' && m.text === '0',
        10_000,
      );
      const centralAtCut = observer.on(topic).length;
      const localAtCut = local.messages.length;
      await eventually(() => Promise.resolve(Date.now() - cutAt > 10_000), 15_000, 200);
      // Nothing crossed the cut link (the central count did not move).
      expect(observer.on(topic).length).toBe(centralAtCut);
      const duringCut = seqsOf(local.messages.slice(localAtCut));
      expect(duringCut.length).toBeGreaterThan(20);
      pi.wan.heal();
      // The bridge reconnects (restart_timeout) and delivers its queue, then live data.
      await eventually(
        () => {
          const arrived = new Set(seqsOf(observer.on(topic)));
          return Promise.resolve(duringCut.every((seq) => arrived.has(seq)));
        },
        60_000,
        200,
      );
      await observer.waitFor(
        (m) => m.topic === 'cryopilot/fleet-b/bridge/state' && m.text === '1' && m.at > cutAt,
        10_000,
      );
      // No gap anywhere in what the central side has of this device.
      const seqs = [...new Set(seqsOf(observer.on(topic)))].sort((a, b) => a - b);
      const missing = seqs.filter((s, i) => i > 0 && s !== seqs[i - 1] + 1);
      expect(missing).toEqual([]);
    } finally {
      await local.close();
    }
  }, 90_000);

  it('a device cannot publish into, nor read, another device’s subtree on the central broker', async () => {
    // fleet-c's real credentials, under another client id (its own would replace its bridge).
    const intruder = await MqttRecorder.connect(central.broker.url, ['cryopilot/fleet-a/#'], {
      username: 'fleet-c',
      password: central.devicePasswords['fleet-c'],
    });
    try {
      const since = observer.messages.length;
      // MQTT 5 says so (PUBACK "not authorized"); a 3.1.1 client's message is dropped silently.
      await expect(
        intruder.publish('cryopilot/fleet-a/valve/state', 'forged', { retain: true }),
      ).rejects.toThrow(/not authorized/i);
      await intruder.publish('cryopilot/fleet-c/acl-probe', 'own subtree');
      // Same client, QoS 1, in order: once the probe is in, the forged message would be too.
      await observer.waitFor((m) => m.topic === 'cryopilot/fleet-c/acl-probe', 10_000, since);
      const sinceProbe = observer.messages.length;
      await observer.waitFor((m) => m.topic === 'cryopilot/fleet-a/telemetry', 10_000, sinceProbe);
      const forged = observer.messages.slice(since).filter((m) => m.text === 'forged');
      expect(forged).toEqual([]);
      // fleet-a kept publishing meanwhile (seen by the reader), none of it reached fleet-c.
      expect(intruder.messages).toEqual([]);
    } finally {
      await intruder.close();
    }
  }, 30_000);

  it('central commands come in only where the Pi allowed them (FLEET_ALLOW_COMMANDS)', async () => {
    const operator = await MqttRecorder.connect(central.broker.url, ['cryopilot/+/cmd/result'], {
      username: 'fleet-operator',
      password: central.people['fleet-operator'],
    });
    const refused = pis.get('fleet-c')!;
    const localC = await MqttRecorder.connect(refused.broker.url, ['cryopilot/fleet-c/cmd/#']);
    try {
      const command = (id: string) =>
        JSON.stringify({ id, args: { mode: 'manual' }, ts: new Date().toISOString() });
      await operator.publish('cryopilot/fleet-c/cmd/mode.set', command('central-c'));
      await operator.publish(`cryopilot/${COMMANDED}/cmd/mode.set`, command('central-a'));
      const result = await operator.waitFor((m) => m.text.includes('"central-a"'), 15_000);
      expect(result.topic).toBe(`cryopilot/${COMMANDED}/cmd/result`);
      expect(JSON.parse(result.text)).toMatchObject({ ok: true });
      const viewerA = await pis.get(COMMANDED)!.app.login('viewer');
      expect((await viewerA.get('/api/state').expect(200)).body.mode).toBe('manual');
      // fleet-c was published to first: had its bridge subscribed, it would be there by now.
      await new Promise((r) => setTimeout(r, 1000));
      expect(localC.messages).toEqual([]);
      expect(operator.messages.filter((m) => m.text.includes('"central-c"'))).toEqual([]);
      const viewerC = await refused.app.login('viewer');
      expect((await viewerC.get('/api/state').expect(200)).body.mode).toBe('auto');
    } finally {
      await localC.close();
      await operator.close();
    }
  }, 30_000);
});
