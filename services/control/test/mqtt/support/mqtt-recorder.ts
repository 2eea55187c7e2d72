import {
  connectAsync,
  IClientOptions,
  IClientPublishOptions,
  IPublishPacket,
  MqttClient,
} from 'mqtt';

/** One message as a subscriber saw it. */
export interface Received {
  readonly topic: string;
  readonly text: string;
  readonly retain: boolean;
  readonly properties: IPublishPacket['properties'];
  /** Arrival time (epoch ms). */
  readonly at: number;
}

let clientCounter = 0;

/**
 * A real mqtt.js client that records everything it receives — what `mosquitto_sub -v` would
 * show — for assertions. Each recorder has its own clean session.
 */
export class MqttRecorder {
  readonly messages: Received[] = [];

  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      this.messages.push({
        topic,
        text: payload.toString('utf8'),
        retain: packet.retain,
        properties: packet.properties,
        at: Date.now(),
      });
    });
  }

  static async connect(
    url: string,
    topics: string[],
    options: IClientOptions = {},
  ): Promise<MqttRecorder> {
    clientCounter += 1;
    const client = await connectAsync(url, {
      clientId: `test-recorder-${process.pid}-${clientCounter}`,
      protocolVersion: 5,
      reconnectPeriod: 500,
      ...options,
    });
    const recorder = new MqttRecorder(client);
    // Retain As Published (MQTT 5): the retain flag shows what the publisher set, so the
    // contract's retained/not-retained column can be checked on a live subscription.
    const v5 = (options.protocolVersion ?? 5) === 5;
    try {
      if (topics.length > 0)
        await client.subscribeAsync(topics, { qos: 1, ...(v5 ? { rap: true } : {}) });
    } catch (error) {
      // A refused subscription: no client left behind reconnecting after the test.
      await client.endAsync(true);
      throw error;
    }
    return recorder;
  }

  on(topic: string): Received[] {
    return this.messages.filter((m) => m.topic === topic);
  }

  /** Parsed payloads of a topic, in arrival order. */
  json<T = unknown>(topic: string): T[] {
    return this.on(topic).map((m) => JSON.parse(m.text) as T);
  }

  /** Resolves with the first recorded message (from `since` on) that matches. */
  async waitFor(match: (m: Received) => boolean, timeoutMs = 10_000, since = 0): Promise<Received> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(since).find(match);
      if (found) return found;
      if (Date.now() > end) throw new Error(`no matching MQTT message within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  publish(topic: string, payload: string | Buffer, options: IClientPublishOptions = {}) {
    return this.client.publishAsync(topic, payload, { qos: 1, ...options });
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}
