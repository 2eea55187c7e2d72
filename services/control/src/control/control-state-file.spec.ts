import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlStateFile } from './control-state-file';

describe('ControlStateFile (mode and latched trips across restarts)', () => {
  let dir: string;
  let errors: string[];
  const logger = { warn: () => undefined, error: (m: string) => void errors.push(m) };
  const file = () => join(dir, 'control-state.json');
  const onDisk = () => JSON.parse(readFileSync(file(), 'utf8')) as unknown;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cryopilot-state-'));
    errors = [];
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('a first start (no file) begins in auto with nothing latched, and reports nothing', async () => {
    expect(await new ControlStateFile(dir, logger).load()).toEqual({ mode: 'auto', latched: [] });
    expect(errors).toEqual([]);
  });

  it('what was saved is what the next start loads', async () => {
    const first = new ControlStateFile(dir, logger);
    await first.load();
    await first.save({ mode: 'manual', latched: ['o2_low_low', 'fill_timeout'] });
    expect(onDisk()).toEqual({ mode: 'manual', latched: ['o2_low_low', 'fill_timeout'] });
    expect(await new ControlStateFile(dir, logger).load()).toEqual({
      mode: 'manual',
      latched: ['o2_low_low', 'fill_timeout'],
    });
  });

  it('an unreadable file is reported and the start is in auto with nothing latched', async () => {
    writeFileSync(file(), '{"mode":"sideways"}');
    expect(await new ControlStateFile(dir, logger).load()).toEqual({ mode: 'auto', latched: [] });
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.startsWith('control state file: '))).toBe(true);
  });

  it('writes only when the state changed (the same latches in another order are no change)', async () => {
    const state = new ControlStateFile(dir, logger);
    await state.load();
    await state.save({ mode: 'manual', latched: ['a', 'b'] });
    writeFileSync(file(), JSON.stringify({ mode: 'manual', latched: ['marker'] }));
    await state.save({ mode: 'manual', latched: ['b', 'a'] });
    expect(onDisk()).toEqual({ mode: 'manual', latched: ['marker'] });
    await state.save({ mode: 'auto', latched: ['b', 'a'] });
    expect(onDisk()).toEqual({ mode: 'auto', latched: ['b', 'a'] });
    // A trip that latches (or is reset) with the mode unchanged is a change.
    await state.save({ mode: 'auto', latched: ['b', 'a', 'c'] });
    expect(onDisk()).toEqual({ mode: 'auto', latched: ['b', 'a', 'c'] });
    await state.save({ mode: 'auto', latched: [] });
    expect(onDisk()).toEqual({ mode: 'auto', latched: [] });
  });

  it('does not rewrite the state it just loaded', async () => {
    writeFileSync(file(), JSON.stringify({ mode: 'manual', latched: [] }));
    const state = new ControlStateFile(dir, logger);
    await state.load();
    writeFileSync(file(), JSON.stringify({ mode: 'manual', latched: ['marker'] }));
    await state.save({ mode: 'manual', latched: [] });
    expect(onDisk()).toEqual({ mode: 'manual', latched: ['marker'] });
  });

  it('a save asked again while the same write is under way resolves once it is on disk', async () => {
    const state = new ControlStateFile(dir, logger);
    await state.load();
    const first = state.save({ mode: 'manual', latched: [] });
    const again = state.save({ mode: 'manual', latched: [] });
    await again;
    expect(onDisk()).toEqual({ mode: 'manual', latched: [] });
    await first;
  });

  it('a failed write never throws, is logged, and the next save retries it', async () => {
    const state = new ControlStateFile(dir, logger);
    await state.load();
    // A target that cannot be replaced (a directory in its place): every write fails.
    mkdirSync(file());
    await expect(state.save({ mode: 'manual', latched: [] })).resolves.toBeUndefined();
    expect(errors.some((e) => e.startsWith('could not save the control state: '))).toBe(true);
    rmSync(file(), { recursive: true, force: true });
    await state.save({ mode: 'manual', latched: [] });
    expect(onDisk()).toEqual({ mode: 'manual', latched: [] });
  });
});
