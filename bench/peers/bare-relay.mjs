// @ts-check
/**
 * Peer 1, the bare relay: the classic "MQTT → Node.js → WebSocket" pattern at its leanest.
 * Subscribes to one MQTT topic and sends every message, unchanged, to every connected
 * WebSocket client. No auth, no parsing, no conflation: the lower bound of that hop in Node.
 *
 *   MQTT_URL=mqtt://127.0.0.1:1883 TOPIC=cryopilot/bench/telemetry PORT=8282 \
 *   [MQTT_USERNAME=… MQTT_PASSWORD=…] node bare-relay.mjs
 */
import mqtt from 'mqtt';
import { WebSocketServer } from 'ws';

const { MQTT_URL, TOPIC, PORT, MQTT_USERNAME, MQTT_PASSWORD } = process.env;
if (!MQTT_URL || !TOPIC || !PORT) {
  console.error('bare-relay: set MQTT_URL, TOPIC and PORT');
  process.exit(2);
}

const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(PORT), path: '/ws' });
const client = mqtt.connect(MQTT_URL, {
  clientId: `bare-relay-${process.pid}`,
  username: MQTT_USERNAME,
  password: MQTT_PASSWORD,
});

client.on('connect', () => {
  client.subscribe(TOPIC, { qos: 1 }, (error) => {
    if (error) console.error(`bare-relay: subscribe failed: ${error.message}`);
  });
});
client.on('message', (_topic, payload) => {
  for (const socket of wss.clients) {
    if (socket.readyState === socket.OPEN) socket.send(payload, { binary: false });
  }
});
client.on('error', (error) => console.error(`bare-relay: mqtt: ${error.message}`));

for (const signal of /** @type {const} */ (['SIGTERM', 'SIGINT'])) {
  process.once(signal, () => {
    wss.close();
    client.end(true, () => process.exit(0));
  });
}
