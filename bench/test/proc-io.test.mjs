// @ts-check
import assert from 'node:assert/strict';
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ioDelta, isOnTmpfs, parseProcIo, readProcessIo } from '../lib/proc-io.mjs';

describe('/proc/<pid>/io', () => {
  const sample = [
    'rchar: 6976',
    'wchar: 123456',
    'syscr: 10',
    'syscw: 42',
    'read_bytes: 4096',
    'write_bytes: 819200',
    'cancelled_write_bytes: 8192',
    '',
  ].join('\n');

  it('reads write_bytes, cancelled_write_bytes, read_bytes and wchar', () => {
    assert.deepEqual(parseProcIo(sample), {
      wcharBytes: 123456,
      readBytes: 4096,
      writeBytes: 819200,
      cancelledWriteBytes: 8192,
    });
  });

  it('refuses a file without the storage counters (no task I/O accounting)', () => {
    assert.throws(() => parseProcIo('rchar: 1\nwchar: 2\n'), /read_bytes not found/);
  });

  it('subtracts two readings field by field', () => {
    const before = parseProcIo(sample);
    const after = { ...before, writeBytes: before.writeBytes + 4096, wcharBytes: 200000 };
    assert.deepEqual(ioDelta(before, after), {
      wcharBytes: 200000 - 123456,
      readBytes: 0,
      writeBytes: 4096,
      cancelledWriteBytes: 0,
    });
  });

  it('sees this process write a file to disk (skipped on tmpfs, where nothing reaches a disk)', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-io-'));
    try {
      if (isOnTmpfs(dir)) return t.skip(`${tmpdir()} is on tmpfs`);
      const before = readProcessIo(process.pid);
      const fd = openSync(join(dir, 'data'), 'w');
      writeSync(fd, Buffer.alloc(64 * 1024, 1));
      fsyncSync(fd);
      closeSync(fd);
      const delta = ioDelta(before, readProcessIo(process.pid));
      assert.ok(delta.writeBytes >= 64 * 1024, `write_bytes grew by ${delta.writeBytes}`);
      assert.ok(delta.wcharBytes >= 64 * 1024);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
