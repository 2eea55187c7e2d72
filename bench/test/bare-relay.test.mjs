// @ts-check
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mqtt from 'mqtt';
import WebSocket from 'ws';
import { MQTT_PASSWORD, MQTT_USER, startMosquitto } from '../infra/mosquitto.mjs';
import { spawnRelay, waitPeerForwarding } from '../systems/peers.mjs';

/**
 * The bare relay against a real Mosquitto (the `mosquitto` binary; a missing one fails naming
 * the Debian package): every telemetry message reaches every WebSocket client unchanged.
 */
describe('bare relay (real Mosquitto)', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'bench-relay-test-'));
  const topic = 'cryopilot/relay-test/telemetry';
  /** @type {Awaited<ReturnType<typeof startMosquitto>>} */
  let broker;
  /** @type {mqtt.MqttClient} */
  let publisher;
  /** @type {NodeJS.Timeout} */
  let ticker;
  let seq = 0;

  before(async () => {
    broker = await startMosquitto(workDir);
    publisher = await mqtt.connectAsync(broker.url, {
      username: MQTT_USER,
      password: MQTT_PASSWORD,
    });
    ticker = setInterval(() => {
      const message = {
        seq: seq++,
        ts: new Date().toISOString(),
        channels: { o2_1: 20.9 },
        quality: { o2_1: 'good' },
        valve: { open: false, output: 0 },
      };
      publisher.publish(topic, JSON.stringify(message), { qos: 1 });
    }, 50);
  });

  after(async () => {
    clearInterval(ticker);
    await publisher?.endAsync();
    await broker?.process.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('forwards every message, byte for byte, to every client', async () => {
    const relay = await spawnRelay({ mqttPort: broker.port, topic, workDir });
    try {
      await waitPeerForwarding(relay);
      const clients = await Promise.all([0, 1, 2].map(() => openClient(relay.wsUrl)));
      const received = await Promise.all(clients.map((c) => c.collect(5)));
      for (const messages of received) {
        const parsed = messages.map((m) => JSON.parse(m));
        assert.equal(parsed.length, 5);
        for (let i = 1; i < parsed.length; i++) assert.equal(parsed[i].seq, parsed[i - 1].seq + 1);
        assert.deepEqual(Object.keys(parsed[0]), ['seq', 'ts', 'channels', 'quality', 'valve']);
      }
      // The same sample reached each client as the same bytes.
      const firstSeq = Math.max(...received.map((m) => JSON.parse(m[0]).seq));
      const copies = received.map((messages) =>
        messages.find((m) => JSON.parse(m).seq === firstSeq),
      );
      assert.ok(copies.every((c) => c !== undefined && c === copies[0]));
      for (const c of clients) c.socket.terminate();
    } finally {
      await relay.process.stop();
    }
  });

  it('refuses to start without its settings', async () => {
    const { spawnSync } = await import('node:child_process');
    const run = spawnSync(
      process.execPath,
      [join(import.meta.dirname, '../peers/bare-relay.mjs')],
      {
        env: { PATH: process.env.PATH },
        encoding: 'utf8',
      },
    );
    assert.equal(run.status, 2);
    assert.match(run.stderr, /set MQTT_URL, TOPIC and PORT/);
  });
});

/**
 * @param {string} url
 * @returns {Promise<{ socket: WebSocket, collect: (n: number) => Promise<string[]> }>}
 */
async function openClient(url) {
  const socket = new WebSocket(url);
  /** @type {string[]} */
  const messages = [];
  socket.on('message', (data) => messages.push(String(data)));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return {
    socket,
    collect: async (n) => {
      const deadline = Date.now() + 10_000;
      while (messages.length < n && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      return messages.slice(0, n);
    },
  };
}
