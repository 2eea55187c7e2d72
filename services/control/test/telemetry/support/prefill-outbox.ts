import { DiskOutbox } from '../../../src/delivery/disk-outbox';
import { channelLine } from '../../../src/telemetry/telemetry-points';

/**
 * Fills the telemetry outbox in `dir` to just under `maxBytes` with `channel` lines of
 * `device`/`o2_1` (seq 1, 2, … an hour old), as a long outage would leave it. Returns the count.
 */
export async function prefillOutbox(
  dir: string,
  maxBytes: number,
  device: string,
): Promise<number> {
  const outbox = new DiskOutbox<string>({ dir, maxBytes }, { warn: () => {}, error: () => {} });
  await outbox.open();
  const start = Date.now() - 3_600_000;
  let seq = 0;
  for (;;) {
    const line = channelLine(
      device,
      { id: 'o2_1', label: 'O2 1', unit: '%vol', value: 20.9, mA: 17.38, quality: 'good', ts: '' },
      seq + 1,
      start + (seq + 1) * 100,
    );
    // Leave room for a few records only: the service's first samples cross the bound.
    if (outbox.stats().bytes + 3 * (line.length + 3) > maxBytes) break;
    outbox.append(line);
    seq += 1;
  }
  await outbox.close();
  return seq;
}
