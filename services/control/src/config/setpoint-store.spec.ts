import { Logger } from '@nestjs/common';
import { DEFAULT_SETPOINTS, Setpoints } from '@cryopilot/protocol';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SetpointStore } from './setpoint-store';

/**
 * `setpoints.json` across versions: an upgrade adds setpoints, a downgrade meets a file with
 * fields it does not know. Either way the runtime changes in the file (trips included) must
 * survive; only the fields the file cannot say come from the config.
 */
describe('SetpointStore across versions', () => {
  let dir: string;
  let warnings: string[];
  let errors: string[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'setpoints-'));
    warnings = [];
    errors = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((m: unknown) => {
      warnings.push(String(m));
    });
    jest.spyOn(Logger.prototype, 'error').mockImplementation((m: unknown) => {
      errors.push(String(m));
    });
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  const store = (setpoints: Partial<Setpoints> = {}) =>
    new SetpointStore({ dataDir: dir, setpoints });
  const writeFile = (content: unknown) =>
    writeFileSync(join(dir, 'setpoints.json'), JSON.stringify(content));

  it('keeps the changes of a file written before a setpoint existed, the new one from config', async () => {
    const older: Record<string, unknown> = {
      ...DEFAULT_SETPOINTS,
      o2LowLowPct: 19,
      fillStartPct: 35,
    };
    delete older.manualAutoReturnS;
    delete older.o2AlarmOnDelayS;
    writeFile(older);
    const loaded = await store({ o2AlarmOnDelayS: 20 }).load();
    expect(loaded).toMatchObject({ o2LowLowPct: 19, fillStartPct: 35, o2AlarmOnDelayS: 20 });
    expect(loaded.manualAutoReturnS).toBe(DEFAULT_SETPOINTS.manualAutoReturnS);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([
      expect.stringMatching(/has no manualAutoReturnS, o2AlarmOnDelayS .*older version/),
    ]);
  });

  it('keeps the known fields of a file written by a newer version and says what it ignores', async () => {
    writeFile({ ...DEFAULT_SETPOINTS, maxFillS: 900, someFutureSetpoint: 3 });
    const loaded = await store().load();
    expect(loaded.maxFillS).toBe(900);
    expect(loaded).not.toHaveProperty('someFutureSetpoint');
    expect(warnings).toEqual([expect.stringMatching(/has someFutureSetpoint, unknown/)]);
  });

  it('still refuses a completed file that is inconsistent as a whole: config used, said loudly', async () => {
    // The configured fill stop (70) is below the file's fill start (75): no valid set.
    const older: Record<string, unknown> = { ...DEFAULT_SETPOINTS, fillStartPct: 75 };
    delete older.fillStopPct;
    writeFile(older);
    const loaded = await store({ fillStopPct: 70, fillStartPct: 20 }).load();
    expect(loaded).toMatchObject({ fillStartPct: 20, fillStopPct: 70 });
    expect(errors.join('\n')).toMatch(/fillStopPct: must be > fillStartPct/);
  });

  it('reads a complete current file unchanged and writes complete files', async () => {
    const current = { ...DEFAULT_SETPOINTS, fillStopPct: 85 };
    writeFile(current);
    const setpoints = store();
    expect(await setpoints.load()).toEqual(current);
    expect(warnings).toEqual([]);
    const change = await setpoints.apply({ fillStartPct: 25 });
    expect(change.ok).toBe(true);
    const written = JSON.parse(readFileSync(join(dir, 'setpoints.json'), 'utf8')) as Setpoints;
    expect(written).toEqual({ ...current, fillStartPct: 25 });
  });

  it('still refuses what is not an object at all', async () => {
    writeFile([1, 2]);
    expect(await store().load()).toEqual(DEFAULT_SETPOINTS);
    expect(errors.join('\n')).toMatch(/does not match the schema/);
  });
});
