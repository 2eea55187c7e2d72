// @ts-check
/**
 * Simulated devices: lightweight publishers speaking the topic contract (docs/interfaces.md),
 * not full services. Each has its own MQTT connection to its edge broker and publishes
 * `cryopilot/<device>/telemetry` (QoS 1) every `periodMs`; its InfluxDB lines go to the central
 * time-series database in one write per device and second (the service's flushIntervalMs),
 * as the Pi's telemetry writer or its InfluxDB replication delivers them.
 */
import { connectAsync } from 'mqtt';
import { channelLines, telemetryPayload } from './ledger.mjs';

/**
 * @typedef {object} FleetOptions
 * @property {number} devices
 * @property {string[]} edgeUrls
 * @property {number[]} edgeOf edge index per device
 * @property {string} vmUrl
 * @property {number} periodMs
 * @property {(device: string, seq: number) => void} onSent
 */

/** @param {FleetOptions} o */
export async function startDevices(o) {
  /** @type {{ id: string, client: import('mqtt').MqttClient }[]} */
  const clients = [];
  for (let i = 0; i < o.devices; i += 1) {
    const id = `load-${String(i).padStart(4, '0')}`;
    const client = await connectAsync(o.edgeUrls[o.edgeOf[i]], {
      clientId: `cryopilot-${id}`,
      protocolVersion: 4,
      reconnectPeriod: 1000,
    });
    clients.push({ id, client });
  }
  let writeErrors = 0;
  let linesWritten = 0;
  /** @type {NodeJS.Timeout[]} */
  const timers = [];
  /** @type {(() => Promise<void>)[]} */
  const flushes = [];
  for (const [index, { id, client }] of clients.entries()) {
    let seq = 0;
    /** @type {string[]} */
    let pending = [];
    // Spread the devices over the period, like independent Pis.
    const offset = Math.floor((index / clients.length) * o.periodMs);
    const flush = async () => {
      if (pending.length === 0) return;
      const body = pending.join('\n');
      const count = pending.length;
      pending = [];
      try {
        const res = await fetch(
          `${o.vmUrl}/api/v2/write?org=cryopilot&bucket=cryopilot&precision=ns`,
          { method: 'POST', body },
        );
        if (res.ok) linesWritten += count;
        else writeErrors += 1;
      } catch {
        // Counted: the database refused or dropped the connection.
        writeErrors += 1;
      }
    };
    flushes.push(flush);
    timers.push(
      setTimeout(() => {
        timers.push(
          setInterval(() => {
            seq += 1;
            const sample = telemetryPayload(seq, Date.now());
            o.onSent(id, seq);
            client.publish(`cryopilot/${id}/telemetry`, JSON.stringify(sample), { qos: 1 });
            pending.push(...channelLines(id, sample));
          }, o.periodMs),
          setInterval(() => void flush(), 1000),
        );
      }, offset),
    );
  }
  return {
    /**
     * Stops publishing and writes the lines still pending (connections stay open so that
     * in-flight QoS 1 messages complete).
     */
    async stopPublishing() {
      for (const t of timers) clearInterval(t);
      await Promise.all(flushes.map((f) => f()));
    },
    stats: () => ({ linesWritten, writeErrors }),
    async close() {
      await Promise.all(clients.map(({ client }) => client.endAsync()));
    },
  };
}
