/** Start-up, shutdown and persistence of the real service (simulated HAT). */
import { MegaindCard } from '../src/hardware/megaind/megaind-card';
import { valveAtCard } from '../src/hardware/testing/valve-readback';
import type { StateSnapshot } from '@cryopilot/protocol';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { I2cBus } from '../src/hardware/i2c-bus';
import { ValveOutput } from '../src/hardware/valve-output';
import { freePort } from './support/servers/local-server';
import { startServiceProcess } from './support/service-process';
import { eventually, startTestApp } from './support/test-app';

const MAIN = resolve(__dirname, '../dist/main.js');

describe('shutdown during a fill', () => {
  it('closing the app (what SIGTERM triggers) drives the valve safe before the bus closes', async () => {
    const t = await startTestApp({ simulator: { initialLevelPct: 10 } });
    const viewer = await t.login('viewer');
    await eventually(
      async () => ((await viewer.get('/api/state')).body as StateSnapshot).valve.open,
    );
    const valve = t.app.get(ValveOutput);
    const card = t.app.get(MegaindCard);
    const bus = t.app.get(I2cBus);
    let outputAtBusClose: number | null = null;
    const realClose = bus.close.bind(bus);
    jest.spyOn(bus, 'close').mockImplementation(async () => {
      outputAtBusClose = await valveAtCard(card, valve.config);
      return realClose();
    });
    await t.close();
    expect(outputAtBusClose).toBe(0);
  });

  it('a real process stops on SIGTERM with the valve in the safe state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cryopilot-proc-'));
    const service = await startServiceProcess(dir, {
      configYaml: 'samplePeriodMs: 100\nsimulator: { initialLevelPct: 10 }\n',
      // O2 warm-up takes 60 s of plant time: 0.5 s at speed 120. Wait for the fill to start.
      env: { SIM_SPEED: '120' },
    });
    await eventually(async () => {
      const res = await service.get('/api/state');
      return ((await res.json()) as StateSnapshot).valve.open;
    });
    await service.stop();
    const { code } = await service.exited;
    rmSync(dir, { recursive: true, force: true });
    expect(service.output()).toContain('valve in safe state (shutdown (SIGTERM))');
    expect(code === 0 || code === null).toBe(true);
  });

  it('an invalid config file stops start-up with every problem listed and exit code 78', async () => {
    if (!existsSync(MAIN))
      throw new Error(`build the service first (npm run build): ${MAIN} missing`);
    const dir = mkdtempSync(join(tmpdir(), 'cryopilot-cfg-'));
    const configPath = join(dir, 'bad.yaml');
    writeFileSync(
      configPath,
      'samplePeriodMs: 5\nvalve: { kind: od-switch, channel: 9 }\nsetpoints: { fillStartPct: 90 }\n',
    );
    const child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        CRYOPILOT_CONFIG: configPath,
        DATA_DIR: dir,
        MQTT_EMBEDDED_PORT: String(await freePort()),
      },
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    rmSync(dir, { recursive: true, force: true });
    expect(code).toBe(78);
    expect(err).toContain('samplePeriodMs');
    expect(err).toContain('valve.channel');
    expect(err).toContain('setpoints.fillStopPct: must be > fillStartPct');
  });
});

describe('latched alarms across a restart', () => {
  it('a fill timeout stays latched and keeps inhibiting auto fills after a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cryopilot-latch-'));
    const overrides = {
      simulator: { initialLevelPct: 15, fillPctPerMin: 0 },
      setpoints: { maxFillS: 60 },
    };
    const first = await startTestApp(overrides, { dataDir });
    const viewer = await first.login('viewer');
    await eventually(async () => {
      const s = (await viewer.get('/api/state')).body as StateSnapshot;
      return s.alarms.some((a) => a.id === 'fill_timeout' && a.state === 'latched');
    });
    await first.close();
    const second = await startTestApp(overrides, { dataDir });
    const again = await second.login('operator');
    // Past warm-up, with the level good for a few samples: auto would fill now.
    const state = await eventually(async () => {
      const s = (await again.get('/api/state')).body as StateSnapshot;
      const ready =
        s.channels.every((c) => c.quality === 'good') && !s.valve.interlocks.includes('startup');
      return ready && s;
    });
    expect(state.alarms.find((a) => a.id === 'fill_timeout')?.state).toBe('latched');
    expect(state.valve).toMatchObject({
      open: false,
      interlocks: expect.arrayContaining(['fill_timeout']),
    });
    await again
      .post('/api/commands')
      .send({ name: 'alarm.reset', args: { alarmId: 'fill_timeout' } })
      .expect(200);
    await eventually(
      async () => ((await again.get('/api/state')).body as StateSnapshot).valve.open,
    );
    await second.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
});

describe('setpoint persistence', () => {
  it('keeps runtime setpoints across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cryopilot-sp-'));
    const first = await startTestApp({}, { dataDir });
    const admin = await first.login('admin');
    await admin
      .post('/api/commands')
      .send({ name: 'setpoints.set', args: { fillStopPct: 70 } })
      .expect(200);
    await first.close();
    const second = await startTestApp({}, { dataDir });
    const state = (await (await second.login('admin')).get('/api/state')).body as StateSnapshot;
    expect(state.setpoints.fillStopPct).toBe(70);
    await second.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts with the configured setpoints when the state file and its backup are corrupt', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cryopilot-sp-'));
    writeFileSync(join(dataDir, 'setpoints.json'), '{"fillStartPct": 20, "fillSt');
    writeFileSync(join(dataDir, 'setpoints.json.bak'), '{"fillStartPct": 90, "fillStopPct": 10}');
    const t = await startTestApp({ setpoints: { fillStopPct: 75 } }, { dataDir });
    const state = (await (await t.login('viewer')).get('/api/state')).body as StateSnapshot;
    expect(state.setpoints.fillStopPct).toBe(75);
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
});
