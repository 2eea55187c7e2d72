import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config.loader';

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'cryopilot-config-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function withYaml(yaml: string, env: NodeJS.ProcessEnv = {}) {
  const path = join(dir, `c${n++}.yaml`);
  writeFileSync(path, yaml);
  return () => loadConfig({ CRYOPILOT_CONFIG: path, ...env });
}

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('loads the bundled example config with the documented defaults', () => {
    const config = loadConfig({});
    expect(config.samplePeriodMs).toBe(500);
    expect(config.hardware.driver).toBe('simulated');
    expect(config.channels.map((c) => c.id)).toEqual(['o2_1', 'o2_2', 'ln2_level']);
    expect(config.valve).toEqual({ kind: 'od-switch', channel: 1, normallyOpen: false });
    expect(config.http.port).toBe(8181);
    expect(config.deviceId).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('fills every default from an empty file', () => {
    const config = withYaml('')();
    expect(config.channels).toHaveLength(3);
    expect(config.hardware.watchdog.periodS).toBe(60);
    expect(config.setpoints).toEqual({});
  });

  it('applies environment overrides', () => {
    const config = withYaml('deviceId: a', {
      HTTP_PORT: '9000',
      SAMPLE_PERIOD_MS: '100',
      DEVICE_ID: 'lab-2',
      SIM_SPEED: '60',
      DATA_DIR: '/tmp/x',
    })();
    expect(config).toMatchObject({
      deviceId: 'lab-2',
      samplePeriodMs: 100,
      dataDir: '/tmp/x',
      http: { port: 9000 },
      simulator: { speed: 60 },
    });
  });

  it.each([
    ['samplePeriodMs: 50', 'samplePeriodMs: Too small'],
    ['samplePeriodMs: fast', 'samplePeriodMs: Invalid input'],
    ['deviceId: "a/b"', 'deviceId: letters, digits'],
    ['hardware: { driver: spi }', 'hardware.driver: Invalid option'],
    ['hardware: { stack: 8 }', 'hardware.stack: Too big'],
    ['hardware: { watchdog: { periodS: 5 } }', 'hardware.watchdog.periodS: Too small'],
    ['valve: { kind: relay, channel: 1 }', 'valve.kind: Invalid discriminator value'],
    ['valve: { kind: od-switch, channel: 5 }', 'valve.channel: must be 1, 2, 3 or 4'],
    ['valve: { kind: ma-proportional, channel: 1, openMa: 25 }', 'valve.openMa: Too big'],
    ['http: { port: 70000 }', 'http.port: Too big'],
    ['setpoints: { fillStartPct: 90 }', 'setpoints.fillStopPct: must be > fillStartPct'],
    ['setpoints: { o2LowLowPct: 20 }', 'setpoints.o2LowPct: must be > o2LowLowPct'],
    ['setpoints: { maxFillS: -1 }', 'setpoints.maxFillS: must be >= 60 s: a hard safety limit'],
    ['setpoints: { o2LowLowPct: 0 }', 'setpoints.o2LowLowPct: must be >= 18 %vol'],
    ['setpoints: { o2LowPct: 0.01 }', 'setpoints.o2LowPct: must be >= 19 %vol'],
    ['setpoints: { levelHighHighPct: 100 }', 'setpoints.levelHighHighPct: must be <= 98 %'],
    ['setpoints: { fillStopPct: 94 }', 'setpoints.levelHighHighPct: must be >= fillStopPct + 2 %'],
    ['setpoints: { maxFillS: 14400 }', 'setpoints.maxFillS: must be <= 7200 s'],
    [
      'control: { supervisor: { staleAfterS: 60 } }',
      'control.supervisor.staleAfterS: must be < hardware.watchdog.periodS (60 s)',
    ],
    ['unknownKey: 1', 'Unrecognized key: "unknownKey"'],
    ['alarms: { supplyMinV: 30, supplyMaxV: 20 }', 'alarms.supplyMaxV: must be > supplyMinV'],
    ['hardware: { driver: megaind }\nsimulator: { speed: 10 }', 'simulator.speed: must be 1'],
    ['- just\n- a list', '(root): must be a mapping'],
  ])('rejects %j', (yaml, expected) => {
    const problems = problemsOf(withYaml(yaml));
    expect(problems.join('\n')).toContain(expected);
    expect(new Set(problems).size).toBe(problems.length); // each problem once
  });

  it('reports a channel range with max <= min with its path', () => {
    const yaml = `channels:
  - { id: o2_1, label: a, role: o2, input: 1, unit: '%', range: { min: 0, max: 25 } }
  - { id: o2_2, label: b, role: o2, input: 2, unit: '%', range: { min: 0, max: 25 } }
  - { id: lvl, label: c, role: level, input: 3, unit: '%', range: { min: 100, max: 0 } }`;
    expect(problemsOf(withYaml(yaml))).toContain('channels[2].range.max: must be > min');
  });

  it('checks channel roles, duplicate ids and inputs', () => {
    const yaml = `channels:
  - { id: a, label: a, role: o2, input: 1, unit: '%', range: { min: 0, max: 25 } }
  - { id: a, label: b, role: o2, input: 1, unit: '%', range: { min: 0, max: 25 } }`;
    const problems = problemsOf(withYaml(yaml));
    expect(problems).toEqual(
      expect.arrayContaining([
        'channels[1].id: duplicate of channels[0]',
        'channels[1].input: input 1 already used by channels[0]',
        'channels: exactly one channel must have role "level" (found 0)',
      ]),
    );
  });

  it('lists every problem at once, including environment values', () => {
    const problems = problemsOf(
      withYaml('samplePeriodMs: 5\nhardware: { stack: 9 }\nhttp: { port: 0 }', {
        SIM_SPEED: 'fast',
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'env SIM_SPEED: must be a number (got "fast")',
        expect.stringContaining('samplePeriodMs'),
        expect.stringContaining('hardware.stack'),
        expect.stringContaining('http.port'),
      ]),
    );
  });

  it('reports YAML syntax errors with their line', () => {
    const problems = problemsOf(withYaml('samplePeriodMs: 500\nchannels: [\n'));
    expect(problems[0]).toMatch(/^line \d+, column \d+: /);
  });

  it('reports duplicate keys', () => {
    expect(problemsOf(withYaml('samplePeriodMs: 500\nsamplePeriodMs: 600')).join()).toMatch(
      /line 2/,
    );
  });

  it('reports a missing file', () => {
    const problems = problemsOf(() => loadConfig({ CRYOPILOT_CONFIG: join(dir, 'nope.yaml') }));
    expect(problems[0]).toContain('cannot read (ENOENT)');
  });

  it('HTTP_HOST sets the listen address (default: every interface)', () => {
    expect(withYaml('')().http.host).toBe('0.0.0.0');
    expect(withYaml('http: { host: 0.0.0.0 }', { HTTP_HOST: '127.0.0.1' })().http.host).toBe(
      '127.0.0.1',
    );
  });

  it('rejects a non-integer HTTP_PORT', () => {
    expect(problemsOf(withYaml('', { HTTP_PORT: '80.5' }))).toContain(
      'env HTTP_PORT: must be an integer (got "80.5")',
    );
  });
});
