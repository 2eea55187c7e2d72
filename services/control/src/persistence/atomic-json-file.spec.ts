import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { AtomicJsonFile } from './atomic-json-file';

const stateSchema = z.strictObject({ count: z.number().int(), name: z.string() });
type State = z.infer<typeof stateSchema>;

describe('AtomicJsonFile', () => {
  let dir: string;
  let file: string;
  let warnings: string[];
  let store: AtomicJsonFile<State>;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-json-'));
    file = path.join(dir, 'state.json');
    warnings = [];
    store = new AtomicJsonFile(file, stateSchema, { warn: (m) => warnings.push(m) });
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const tmpFiles = (): string[] => fs.readdirSync(dir).filter((n) => n.includes('.tmp-'));
  const readJson = (p: string): unknown => JSON.parse(fs.readFileSync(p, 'utf8'));

  it('reads back what it wrote, keeps the previous document as backup, leaves no tmp files', async () => {
    await store.write({ count: 1, name: 'first' });
    await store.write({ count: 2, name: 'second' });

    await expect(store.read()).resolves.toEqual({
      value: { count: 2, name: 'second' },
      source: 'primary',
      problems: [],
    });
    expect(readJson(`${file}.bak`)).toEqual({ count: 1, name: 'first' });
    expect(tmpFiles()).toEqual([]);
  });

  it('reports no file as none without problems', async () => {
    await expect(store.read()).resolves.toEqual({ value: null, source: 'none', problems: [] });
    const inMissingDir = new AtomicJsonFile(path.join(dir, 'nope', 's.json'), stateSchema);
    await expect(inMissingDir.read()).resolves.toEqual({
      value: null,
      source: 'none',
      problems: [],
    });
  });

  it('falls back to the backup when the primary is corrupt and says why', async () => {
    await store.write({ count: 1, name: 'good' });
    await store.write({ count: 2, name: 'newer' });
    fs.writeFileSync(file, '{"count": 2, "na');

    const result = await store.read();

    expect(result.source).toBe('backup');
    expect(result.value).toEqual({ count: 1, name: 'good' });
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toContain(file);
    expect(result.problems[0]).toContain('not valid JSON');
  });

  it('gives none with one problem per file when primary and backup are both corrupt', async () => {
    fs.writeFileSync(file, '');
    fs.writeFileSync(`${file}.bak`, '{"count": "three", "name": "x"}');

    const result = await store.read();

    expect(result).toMatchObject({ value: null, source: 'none' });
    expect(result.problems).toHaveLength(2);
    expect(result.problems[0]).toContain(`${file}: not valid JSON`);
    expect(result.problems[1]).toContain(`${file}.bak: does not match the schema`);
    expect(result.problems[1]).toContain('count');
  });

  it('rejects schema-invalid content on read', async () => {
    fs.writeFileSync(file, JSON.stringify({ count: 1.5, name: 'x', extra: true }));

    const result = await store.read();

    expect(result).toMatchObject({ value: null, source: 'none' });
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(/count/);
    expect(result.problems[0]).toMatch(/extra/);
  });

  it('refuses to write a schema-invalid value and leaves the file unchanged', async () => {
    await store.write({ count: 1, name: 'good' });

    await expect(store.write({ count: 'x' } as unknown as State)).rejects.toThrow(TypeError);

    expect(readJson(file)).toEqual({ count: 1, name: 'good' });
    expect(tmpFiles()).toEqual([]);
  });

  it('uses the intact primary and removes the tmp file of an interrupted write', async () => {
    await store.write({ count: 7, name: 'intact' });
    // Power lost half-way through the next write: a truncated tmp file, primary untouched.
    const leftover = path.join(dir, 'state.json.tmp-4242-deadbeef0000');
    fs.writeFileSync(leftover, '{"count": 8, "na');

    const result = await store.read();

    expect(result).toEqual({
      value: { count: 7, name: 'intact' },
      source: 'primary',
      problems: [],
    });
    expect(fs.existsSync(leftover)).toBe(false);
    expect(warnings.some((w) => w.includes(leftover))).toBe(true);
  });

  it('does not overwrite the last good backup with a corrupt primary', async () => {
    await store.write({ count: 1, name: 'last good' });
    await store.write({ count: 2, name: 'will be corrupted' });
    fs.writeFileSync(`${file}.bak`, JSON.stringify({ count: 1, name: 'last good' }));
    fs.writeFileSync(file, 'garbage');

    await store.write({ count: 3, name: 'after repair' });
    expect(readJson(`${file}.bak`)).toEqual({ count: 1, name: 'last good' });
    expect(warnings.some((w) => w.includes('not copied to the backup'))).toBe(true);

    fs.writeFileSync(file, 'garbage again');
    await expect(store.read()).resolves.toMatchObject({
      value: { count: 1, name: 'last good' },
      source: 'backup',
    });
  });

  it('reports an unreadable primary (I/O error) instead of throwing, and uses the backup', async () => {
    fs.writeFileSync(`${file}.bak`, JSON.stringify({ count: 5, name: 'backup' }));
    // A directory where the file should be gives EISDIR, an I/O error that even root gets
    // (unlike EACCES).
    fs.mkdirSync(file);

    const result = await store.read();

    expect(result).toMatchObject({ value: { count: 5, name: 'backup' }, source: 'backup' });
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toContain(`${file}: cannot be read`);
  });

  it('serializes concurrent writes: each completes whole, in order, and the last one wins', async () => {
    const writes = Array.from({ length: 20 }, (_, i) => i);
    const seenOnDiskWhenResolved: unknown[] = [];

    await Promise.all(
      writes.map((i) =>
        store.write({ count: i, name: `write ${i}` }).then(() => {
          // With serialization, the file holds exactly this write when it resolves; with
          // overlapping writes, a later rename would already have replaced it (or not yet).
          seenOnDiskWhenResolved.push(readJson(file));
        }),
      ),
    );

    expect(seenOnDiskWhenResolved).toEqual(writes.map((i) => ({ count: i, name: `write ${i}` })));
    await expect(store.read()).resolves.toEqual({
      value: { count: 19, name: 'write 19' },
      source: 'primary',
      problems: [],
    });
    expect(readJson(`${file}.bak`)).toEqual({ count: 18, name: 'write 18' });
    expect(tmpFiles()).toEqual([]);
  });

  it('rejects a write when the directory does not exist, without throwing synchronously', async () => {
    const orphan = new AtomicJsonFile(path.join(dir, 'missing', 's.json'), stateSchema);
    await expect(orphan.write({ count: 1, name: 'x' })).rejects.toMatchObject({ code: 'ENOENT' });
    // The queue keeps working after a failed write.
    await expect(orphan.read()).resolves.toMatchObject({ source: 'none' });
  });
});
