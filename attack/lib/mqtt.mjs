// @ts-check
import mqtt from 'mqtt';
import { HOME_ADDRESS } from './net.mjs';
import { DEVICE_ID } from './service.mjs';

/** The service's MQTT base topic. */
export const BASE_TOPIC = `cryopilot/${DEVICE_ID}`;
/** The client id the service uses when none is configured: `cryopilot-<deviceId>`. */
export const SERVICE_CLIENT_ID = `cryopilot-${DEVICE_ID}`;

/**
 * @typedef {object} ConnectSpec
 * @property {string} [username]
 * @property {string} [password]
 * @property {string} [clientId]
 * @property {boolean} [clean]
 * @property {3 | 4 | 5} [protocolVersion]
 */

/**
 * One connection attempt to the embedded broker, no retries: the connected client, or the
 * broker's refusal (CONNACK return code) or the connection's error.
 * @param {number} port
 * @param {ConnectSpec} spec
 * @param {number} [timeoutMs]
 * @returns {Promise<{ ok: true, client: import('mqtt').MqttClient } | { ok: false, code: number | string, message: string }>}
 */
export function tryConnect(port, spec, timeoutMs = 5000) {
  return new Promise((resolve) => {
    const client = mqtt.connect({
      host: HOME_ADDRESS,
      port,
      protocol: 'mqtt',
      protocolVersion: spec.protocolVersion ?? 4,
      clientId: spec.clientId ?? `attack-${Math.random().toString(16).slice(2, 10)}`,
      clean: spec.clean ?? true,
      reconnectPeriod: 0,
      connectTimeout: timeoutMs,
      ...(spec.username !== undefined ? { username: spec.username } : {}),
      ...(spec.password !== undefined ? { password: spec.password } : {}),
    });
    let settled = false;
    /** @param {{ ok: true, client: import('mqtt').MqttClient } | { ok: false, code: number | string, message: string }} result */
    const settle = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!result.ok) client.end(true);
      resolve(result);
    };
    const timer = setTimeout(
      () => settle({ ok: false, code: 'timeout', message: 'no CONNACK' }),
      timeoutMs + 500,
    );
    client.once('connect', () => settle({ ok: true, client }));
    client.once('error', (/** @type {Error & { code?: number | string }} */ error) =>
      settle({ ok: false, code: error.code ?? 'error', message: error.message }),
    );
    client.once('close', () =>
      settle({ ok: false, code: 'closed', message: 'connection closed before CONNACK' }),
    );
  });
}

/**
 * Connects or throws.
 * @param {number} port
 * @param {ConnectSpec} spec
 */
export async function connect(port, spec) {
  const result = await tryConnect(port, spec);
  if (!result.ok)
    throw new Error(
      `MQTT connect as ${spec.username ?? 'anonymous'}: ${result.code} ${result.message}`,
    );
  return result.client;
}

/**
 * Messages of `filter` collected for `ms` (retained ones arrive first).
 * @param {import('mqtt').MqttClient} client
 * @param {string | string[]} filter
 * @param {number} ms
 * @returns {Promise<{ topic: string, payload: string, retain: boolean }[]>}
 */
export async function collect(client, filter, ms) {
  /** @type {{ topic: string, payload: string, retain: boolean }[]} */
  const messages = [];
  /** @type {(topic: string, payload: Buffer, packet: import('mqtt').IPublishPacket) => void} */
  const onMessage = (topic, payload, packet) => {
    messages.push({ topic, payload: payload.toString('utf8'), retain: packet.retain });
  };
  client.on('message', onMessage);
  await client.subscribeAsync(filter, { qos: 1 });
  await new Promise((resolve) => setTimeout(resolve, ms));
  client.off('message', onMessage);
  await client.unsubscribeAsync(filter).catch(() => undefined);
  return messages;
}

/**
 * Ends a client without waiting for anything.
 * @param {import('mqtt').MqttClient | null | undefined} client
 */
export function closeQuietly(client) {
  if (!client) return Promise.resolve();
  return new Promise((resolve) => client.end(true, {}, () => resolve(undefined)));
}
