// @ts-check
import mqtt from 'mqtt';
import { wallNowMs } from '../lib/wall-clock.mjs';
import { sampleStamp } from './sample-message.mjs';
import { MQTT_PASSWORD, MQTT_USER } from '../infra/mosquitto.mjs';

/**
 * An MQTT subscriber on the telemetry topic (like Home Assistant or a building system would
 * be): receive time − acquisition `ts` per message, plus each seq's receive time so the peers'
 * WebSocket receipts can be split into "to MQTT" and "MQTT → WebSocket hop".
 */
export class MqttRecorder {
  /**
   * @param {string} url
   * @param {string} topic
   */
  constructor(url, topic) {
    /** @private */ this.url = url;
    /** @private */ this.topic = topic;
    /** @private @type {import('mqtt').MqttClient | null} */ this.client = null;
    /** @private */ this.recording = false;
    /** @type {number[]} */ this.latenciesMs = [];
    /** @type {Map<number, number>} seq → receive time (epoch ms) */ this.receivedAt = new Map();
    /** @type {{ seq: number, tsMs: number }[]} */ this.stamps = [];
    /** @type {((recvMs: number) => void) | null} called on every message, recording or not */
    this.onMessage = null;
    /** @private @type {Error | null} */ this.error = null;
  }

  /** Connects and subscribes (QoS 1, like the telemetry is published). */
  async open() {
    const client = await mqtt.connectAsync(this.url, {
      clientId: `bench-recorder-${process.pid}-${Date.now()}`,
      username: MQTT_USER,
      password: MQTT_PASSWORD,
    });
    this.client = client;
    client.on('message', (_topic, payload) => {
      const recvMs = wallNowMs();
      this.onMessage?.(recvMs);
      if (!this.recording) return;
      try {
        const stamp = sampleStamp(payload.toString());
        if (!stamp) return;
        this.latenciesMs.push(recvMs - stamp.tsMs);
        this.receivedAt.set(stamp.seq, recvMs);
        this.stamps.push(stamp);
      } catch (error) {
        // A malformed telemetry message breaks the contract: report the first one at the end.
        this.error ??= error instanceof Error ? error : new Error(String(error));
      }
    });
    await client.subscribeAsync(this.topic, { qos: 1 });
  }

  /** Starts recording, dropping what was recorded before. */
  startRecording() {
    this.latenciesMs = [];
    this.receivedAt = new Map();
    this.stamps = [];
    this.recording = true;
  }

  /** Stops recording; throws the first malformed message, if any. */
  stopRecording() {
    this.recording = false;
    if (this.error) throw this.error;
  }

  async close() {
    await this.client?.endAsync();
    this.client = null;
  }
}
