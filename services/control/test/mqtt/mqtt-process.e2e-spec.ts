/**
 * The real process (`dist/main.js`, built by `make test`) against a real Mosquitto: the last
 * will on `kill -9`, `offline` on SIGTERM, and an outbox that survives `kill -9`.
 */
import { mqttTelemetrySchema } from '@cryopilot/protocol';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../support/servers/local-server';
import { startMosquitto, TestBroker } from '../support/servers/mosquitto';
import { eventually } from '../support/test-app';
import { MqttRecorder } from './support/mqtt-recorder';

jest.setTimeout(90_000);

const MAIN = resolve(__dirname, '../../dist/main.js');
let broker: TestBroker;
let dataDir: string;

beforeAll(async () => {
  if (!existsSync(MAIN))
    throw new Error(`build the service first (npm run build): ${MAIN} missing`);
  broker = await startMosquitto({ controllable: true, persistence: true });
  dataDir = mkdtempSync(join(tmpdir(), 'cryopilot-mqtt-proc-'));
  writeFileSync(join(dataDir, 'c.yaml'), 'samplePeriodMs: 100\nmqtt: { keepaliveS: 5 }\n');
});

afterAll(async () => {
  await broker?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts the service as a separate process; its output is kept for failure messages. */
async function startService(
  deviceId: string,
): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      CRYOPILOT_CONFIG: join(dataDir, 'c.yaml'),
      DATA_DIR: join(dataDir, deviceId),
      HTTP_PORT: String(await freePort()),
      SIM_SPEED: '60',
      DEVICE_ID: deviceId,
      MQTT_URL: broker.url,
      ADMIN_PASSWORD: 'process-test-password',
    },
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  await eventually(() => Promise.resolve(out.includes('control loop running')), 20_000).catch(
    () => {
      throw new Error(`service did not start:\n${out}`);
    },
  );
  return { child, output: () => out };
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => child.once('exit', () => r()));
}

describe('the service process', () => {
  it('kill -9: the broker publishes the retained last will `offline`', async () => {
    const rec = await MqttRecorder.connect(broker.url, ['cryopilot/will/status']);
    const { child } = await startService('will');
    try {
      await rec.waitFor((m) => m.text === 'online', 15_000);
      child.kill('SIGKILL');
      await exited(child);
      const offline = await rec.waitFor((m) => m.text === 'offline', 15_000);
      expect(offline.retain).toBe(true);
      // A late subscriber finds `offline` retained.
      const late = await MqttRecorder.connect(broker.url, ['cryopilot/will/status']);
      const retained = await late.waitFor(() => true);
      await late.close();
      expect(retained).toMatchObject({ text: 'offline', retain: true });
    } finally {
      child.kill('SIGKILL');
      await rec.close();
    }
  });

  it('SIGTERM: publishes `offline` itself before a clean disconnect', async () => {
    const rec = await MqttRecorder.connect(broker.url, ['cryopilot/term/status']);
    const { child, output } = await startService('term');
    await rec.waitFor((m) => m.text === 'online', 15_000);
    const since = rec.messages.length;
    child.kill('SIGTERM');
    await exited(child);
    const offline = await rec.waitFor((m) => m.text === 'offline', 10_000, since);
    await rec.close();
    expect(offline.retain).toBe(true);
    expect(output()).toContain('valve in safe state');
  });

  it('kill -9 during a broker outage: the outbox survives and is delivered later', async () => {
    const rec = await MqttRecorder.connect(broker.url, ['cryopilot/crash/telemetry'], {
      clientId: `recorder-crash-${process.pid}`,
      clean: false,
      properties: { sessionExpiryInterval: 600 },
    });
    await broker.stop();
    const first = await startService('crash');
    await new Promise((r) => setTimeout(r, 2000)); // ~20 samples, all into the outbox
    first.child.kill('SIGKILL');
    await exited(first.child);
    const killedAt = Date.now();
    await broker.start();
    const second = await startService('crash');
    try {
      await eventually(
        () =>
          Promise.resolve(
            rec.on('cryopilot/crash/telemetry').some((m) => m.properties?.userProperties?.replayed),
          ),
        20_000,
      );
      await new Promise((r) => setTimeout(r, 1500));
      const beforeKill = rec
        .json('cryopilot/crash/telemetry')
        .map((b) => mqttTelemetrySchema.parse(b))
        .filter((s) => Date.parse(s.ts) < killedAt);
      const seqs = [...new Set(beforeKill.map((s) => s.seq))].sort((a, b) => a - b);
      console.log(`kill -9 during outage: ${seqs.length} samples of the killed process delivered`);
      expect(seqs.length).toBeGreaterThan(10);
      // seq 1..n without a gap: nothing appended before the kill was lost.
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    } finally {
      second.child.kill('SIGTERM');
      await exited(second.child);
      await rec.close();
    }
  });
});
