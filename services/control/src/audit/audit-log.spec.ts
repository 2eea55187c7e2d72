import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AuditRecord } from '@cryopilot/protocol';
import { AuditLog } from './audit-log';

const T0 = Date.UTC(2026, 0, 1);

/** Command id of record `i`; padded so that every record serializes to the same length. */
const idOf = (i: number): string => `cmd-${String(i).padStart(3, '0')}`;

function record(i: number, refused = false): AuditRecord {
  return {
    ts: new Date(T0 + i * 1000).toISOString(),
    id: idOf(i),
    user: 'alice',
    role: 'operator',
    source: 'http',
    command: 'valve.open',
    args: { durationS: 30 },
    ok: !refused,
    ...(refused ? { error: { code: 'refused' as const, message: 'interlock active' } } : {}),
  };
}

const ids = (records: AuditRecord[]): string[] => records.map((r) => r.id);
const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from }, (_, k) => from + k);
const line = (i: number): string => `${JSON.stringify(record(i))}\n`;

describe('AuditLog', () => {
  let dir: string;
  const logs: AuditLog[] = [];

  /** An opened log on `dir`, closed after the test. */
  async function openLog(options: Partial<ConstructorParameters<typeof AuditLog>[0]> = {}) {
    const log = new AuditLog({ dir, ...options });
    logs.push(log);
    await log.open();
    return log;
  }

  beforeEach(() => {
    // A subdirectory that does not exist yet: open() must create it.
    dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'audit-')), 'audit');
  });

  afterEach(async () => {
    await Promise.all(logs.splice(0).map((log) => log.close()));
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  });

  it('returns appended records newest first, up to the limit, and writes JSON lines', async () => {
    const log = await openLog();
    for (const i of range(0, 3)) await log.append(record(i, i === 1));

    await expect(log.recent(10)).resolves.toEqual([record(2), record(1, true), record(0)]);
    expect(ids(await log.recent(2))).toEqual([idOf(2), idOf(1)]);

    await log.flush();
    const text = fs.readFileSync(path.join(dir, 'audit.jsonl'), 'utf8');
    expect(text).toBe(line(0) + JSON.stringify(record(1, true)) + '\n' + line(2));
  });

  it('keeps its files private (0600, directory 0700), also files left 0644 by older versions', async () => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'audit.jsonl'), line(0), { mode: 0o644 });
    const log = await openLog({ maxBytes: 400, maxFiles: 3 });
    for (const i of range(1, 8)) await log.append(record(i)); // rotates
    await log.flush();
    const files = fs.readdirSync(dir);
    expect(files.length).toBeGreaterThan(1);
    for (const file of files) expect(fs.statSync(path.join(dir, file)).mode & 0o777).toBe(0o600);
    const fresh = path.join(path.dirname(dir), 'fresh');
    const freshLog = new AuditLog({ dir: fresh });
    logs.push(freshLog);
    await freshLog.open();
    expect(fs.statSync(fresh).mode & 0o777).toBe(0o700);
  });

  it('serializes concurrent appends in call order', async () => {
    // Six records per file: appends rotate along the way, and ten files hold all 30.
    const log = await openLog({ maxBytes: 1000, maxFiles: 10 });
    await Promise.all(range(0, 30).map((i) => log.append(record(i))));

    expect(ids(await log.recent(1000))).toEqual(range(0, 30).reverse().map(idOf));
  });

  it('rotates before exceeding maxBytes and keeps at most maxFiles files', async () => {
    const lineBytes = Buffer.byteLength(line(0));
    const maxBytes = lineBytes * 3 + 10; // three records per file
    const log = await openLog({ maxBytes, maxFiles: 3 });

    for (const i of range(0, 20)) await log.append(record(i));

    expect(fs.readdirSync(dir).sort()).toEqual(['audit.1.jsonl', 'audit.2.jsonl', 'audit.jsonl']);
    for (const name of fs.readdirSync(dir)) {
      expect(fs.statSync(path.join(dir, name)).size).toBeLessThanOrEqual(maxBytes);
    }
    // 20 records, 3 per file: the current file holds 18 and 19, then 15..17 and 12..14.
    expect(fs.readFileSync(path.join(dir, 'audit.jsonl'), 'utf8')).toBe(line(18) + line(19));
    expect(fs.readFileSync(path.join(dir, 'audit.1.jsonl'), 'utf8')).toBe(
      line(15) + line(16) + line(17),
    );
    expect(fs.readFileSync(path.join(dir, 'audit.2.jsonl'), 'utf8')).toBe(
      line(12) + line(13) + line(14),
    );
    // The cache does not claim records that were rotated away.
    expect(ids(await log.recent(1000))).toEqual(range(12, 20).reverse().map(idOf));
    expect(log.stats()).toMatchObject({ recordsOnDisk: 8, cachedRecords: 8, corruptLines: 0 });
  });

  it('reads across rotated files when the cache is too small, and after a restart', async () => {
    const maxBytes = Buffer.byteLength(line(0)) * 2; // two records per file
    const log = await openLog({ maxBytes, maxFiles: 5, cacheSize: 3 });
    for (const i of range(0, 9)) await log.append(record(i));
    const expected = range(0, 9).reverse().map(idOf);

    expect(ids(await log.recent(7))).toEqual(expected.slice(0, 7));
    expect(ids(await log.recent(1000))).toEqual(expected);
    await log.close();

    const reopened = await openLog({ maxBytes, maxFiles: 5, cacheSize: 3 });
    expect(reopened.stats()).toMatchObject({ cachedRecords: 3, recordsOnDisk: 9 });
    expect(ids(await reopened.recent(1000))).toEqual(expected);
    await reopened.append(record(9));
    expect(ids(await reopened.recent(4))).toEqual([idOf(9), ...expected.slice(0, 3)]);
  });

  it('serves small limits from memory without touching the disk', async () => {
    const log = await openLog({ cacheSize: 5 });
    for (const i of range(0, 10)) await log.append(record(i));
    const readFile = jest.spyOn(fs.promises, 'readFile');
    try {
      expect(ids(await log.recent(5))).toEqual(range(5, 10).reverse().map(idOf));
      expect(readFile).not.toHaveBeenCalled();
      await log.recent(6);
      expect(readFile).toHaveBeenCalled();
    } finally {
      readFile.mockRestore();
    }
  });

  it('skips and counts corrupt lines and a partial last line, then appends cleanly', async () => {
    fs.mkdirSync(dir, { recursive: true });
    const schemaInvalid = `${JSON.stringify({ ...record(9), role: 'superuser' })}\n`;
    const partial = line(3).slice(0, 40); // power cut in the middle of a write
    fs.writeFileSync(path.join(dir, 'audit.1.jsonl'), line(0) + 'not json\n' + '\n');
    fs.writeFileSync(path.join(dir, 'audit.jsonl'), line(1) + schemaInvalid + line(2) + partial);

    const log = await openLog();
    expect(ids(await log.recent(10))).toEqual([idOf(2), idOf(1), idOf(0)]);
    expect(log.stats().corruptLines).toBe(3);

    await log.append(record(4));
    expect(ids(await log.recent(10))).toEqual([idOf(4), idOf(2), idOf(1), idOf(0)]);
    await log.close();

    // The new record was not glued onto the partial line: a fresh reader finds it too.
    const reopened = await openLog();
    expect(ids(await reopened.recent(10))).toEqual([idOf(4), idOf(2), idOf(1), idOf(0)]);
    expect(reopened.stats().corruptLines).toBe(3);
  });

  it('rejects limits outside 1..1000', async () => {
    const log = await openLog();
    for (const limit of [0, -1, 1001, 1.5, Number.NaN]) {
      await expect(log.recent(limit)).rejects.toThrow(RangeError);
    }
    await expect(log.recent(1)).resolves.toEqual([]);
    await expect(log.recent(1000)).resolves.toEqual([]);
  });

  it('rejects invalid records, use before open() and use after close()', async () => {
    const unopened = new AuditLog({ dir });
    await expect(unopened.append(record(0))).rejects.toThrow('open()');

    const log = await openLog();
    const invalid = { ...record(0), source: 'carrier-pigeon' } as unknown as AuditRecord;
    await expect(log.append(invalid)).rejects.toThrow(TypeError);
    await expect(log.recent(10)).resolves.toEqual([]);

    await log.close();
    await expect(log.append(record(1))).rejects.toThrow('closed');
    await expect(log.close()).resolves.toBeUndefined();
  });

  it('rejects nonsensical options', () => {
    expect(() => new AuditLog({ dir, maxBytes: 0 })).toThrow(RangeError);
    expect(() => new AuditLog({ dir, maxFiles: 1.5 })).toThrow(RangeError);
  });

  it('gives an oversized record a file of its own', async () => {
    const log = await openLog({ maxBytes: 50, maxFiles: 2 });
    await log.append(record(0));
    await log.append(record(1));

    expect(fs.readFileSync(path.join(dir, 'audit.jsonl'), 'utf8')).toBe(line(1));
    expect(fs.readFileSync(path.join(dir, 'audit.1.jsonl'), 'utf8')).toBe(line(0));
  });
});
