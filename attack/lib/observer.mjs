// @ts-check
import { gapFigures } from './gaps.mjs';
import { BASE_TOPIC, closeQuietly, connect } from './mqtt.mjs';
import { PERIOD_MS } from './service.mjs';

/**
 * The service's telemetry as a read-only MQTT client sees it (the embedded broker's `reader`
 * account): tick timing from the samples' own timestamps (`lib/gaps.mjs`) and whether the valve
 * was ever open, per time window. Independent of the HTTP and WebSocket paths under attack.
 */
export class TickObserver {
  /** @param {import('mqtt').MqttClient} client */
  constructor(client) {
    /** @private */
    this.client = client;
    /** @type {import('./gaps.mjs').Sample[]} */
    this.samples = [];
  }

  /** @param {import('./service.mjs').AttackService} service */
  static async start(service) {
    const { reader } = service.mqttUsers();
    const client = await connect(service.mqttPort, {
      username: reader.username,
      password: reader.password,
      clientId: 'attack-observer',
    });
    const observer = new TickObserver(client);
    client.on('message', (_topic, payload) => {
      try {
        const body = JSON.parse(payload.toString('utf8'));
        observer.samples.push({
          seq: Number(body.seq),
          tsMs: Date.parse(body.ts),
          valveOpen: body.valve?.open === true,
        });
      } catch {
        // Not a telemetry message: the observer only reads its own subscription.
      }
    });
    await client.subscribeAsync(`${BASE_TOPIC}/telemetry`, { qos: 0 });
    return observer;
  }

  /**
   * Figures of the samples stamped in [fromMs, toMs] (wall clock, ms since epoch).
   * @param {number} fromMs
   * @param {number} [toMs]
   */
  window(fromMs, toMs = Date.now()) {
    return gapFigures(
      this.samples.filter((s) => s.tsMs >= fromMs && s.tsMs <= toMs),
      PERIOD_MS,
    );
  }

  async stop() {
    await closeQuietly(this.client);
  }
}
