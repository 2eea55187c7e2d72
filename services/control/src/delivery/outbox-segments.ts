import { closeSync, openSync, readdirSync, readSync, statSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';

/** One segment file of an outbox: newline-terminated JSON records. */
export interface Segment {
  readonly id: number;
  bytes: number;
  /** Complete records (lines) in the file. */
  count: number;
}

const SEGMENT_RE = /^seg-(\d{10})\.jsonl$/;

export function segmentPath(dir: string, id: number): string {
  return join(dir, `seg-${String(id).padStart(10, '0')}.jsonl`);
}

/**
 * Scans the segment files of `dir`, oldest first, counting complete lines. A last line without
 * its newline (the process died in the middle of a write) is cut off; returns how many.
 */
export function scanSegments(dir: string): { segments: Segment[]; truncated: number } {
  const ids = readdirSync(dir)
    .map((name) => SEGMENT_RE.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  let truncated = 0;
  const segments = ids.map((id) => {
    const path = segmentPath(dir, id);
    const { count, completeBytes, size } = countLines(path);
    if (completeBytes < size) {
      const fd = openSync(path, 'r+');
      try {
        ftruncateSync(fd, completeBytes);
      } finally {
        closeSync(fd);
      }
      truncated += 1;
    }
    return { id, bytes: completeBytes, count };
  });
  return { segments, truncated };
}

/** Counts newline-terminated lines without holding the file in memory. */
function countLines(path: string): { count: number; completeBytes: number; size: number } {
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  const buffer = Buffer.allocUnsafe(1 << 20);
  let count = 0;
  let completeBytes = 0;
  let position = 0;
  try {
    while (position < size) {
      const read = readSync(fd, buffer, 0, buffer.length, position);
      if (read === 0) break;
      for (let i = 0; i < read; i++) {
        if (buffer[i] === 0x0a) {
          count += 1;
          completeBytes = position + i + 1;
        }
      }
      position += read;
    }
  } finally {
    closeSync(fd);
  }
  return { count, completeBytes, size };
}
