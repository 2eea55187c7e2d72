import { statfs } from 'node:fs/promises';

/** A free-space reading of the data disk. */
export interface DiskSpace {
  readonly freeBytes: number;
  readonly totalBytes: number;
}

/** Free and total bytes of the filesystem holding `dir` (what an unprivileged writer gets). */
export async function readDiskSpace(dir: string): Promise<DiskSpace> {
  const s = await statfs(dir);
  return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
}

/** The condition clears only above the threshold by this factor: no flapping at the limit. */
const CLEAR_FACTOR = 1.25;
const MB = 1024 * 1024;

/**
 * Whether the data disk is low on space (pure): raised below `minFreeMb`, cleared once
 * `CLEAR_FACTOR` × `minFreeMb` is free again.
 */
export class DiskSpaceCondition {
  private low = false;

  constructor(private readonly minFreeMb: number) {}

  get isLow(): boolean {
    return this.low;
  }

  /** Takes a reading; returns the new condition when it changed, else null. */
  update(space: DiskSpace): boolean | null {
    const freeMb = space.freeBytes / MB;
    const next = this.low ? freeMb < this.minFreeMb * CLEAR_FACTOR : freeMb < this.minFreeMb;
    if (next === this.low) return null;
    this.low = next;
    return next;
  }
}

/** `12.3 MB free of 29.1 GB` — for health details and log lines (no paths). */
export function describeSpace(space: DiskSpace): string {
  return `${formatBytes(space.freeBytes)} free of ${formatBytes(space.totalBytes)}`;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * MB) return `${(bytes / (1024 * MB)).toFixed(1)} GB`;
  return `${(bytes / MB).toFixed(1)} MB`;
}
