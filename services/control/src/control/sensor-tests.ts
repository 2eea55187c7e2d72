import type { ChannelReading, SensorTest } from '@cryopilot/protocol';
import { isUsableQuality } from '@cryopilot/protocol';
import type { Instant } from '../clock/clock';
import type { ControlRequestResult } from './control.types';

interface RunningTest {
  readonly test: SensorTest;
  readonly untilMono: number;
}

/** Why a test ended without an operator. */
export type SensorTestEnd = 'expired' | 'room_unguarded';

/**
 * Declared O2 sensor tests (bump test, calibration), pure. While a sensor is under test its
 * reading is set aside (the test gas must not trip the plant) and the control inhibits every
 * fill (`o2_under_test`). The rules that keep the room guarded:
 * - one sensor at a time, and only while another O2 sensor reads (usable quality);
 * - should that other sensor stop reading, the test ends at once and the sensor under test
 *   is back in service (its reading may then raise alarms and trip: the safe direction);
 * - every test ends by itself after its duration.
 * Not persisted: after a restart every sensor is in service again (the safe direction too).
 */
export class SensorTests {
  private readonly running = new Map<string, RunningTest>();

  constructor(private readonly o2ChannelIds: readonly string[]) {}

  isUnderTest(channelId: string): boolean {
    return this.running.has(channelId);
  }

  get any(): boolean {
    return this.running.size > 0;
  }

  list(): SensorTest[] {
    return [...this.running.values()].map((r) => r.test);
  }

  start(
    sensorId: string,
    minutes: number,
    by: string,
    now: Instant,
    readings: readonly ChannelReading[],
  ): ControlRequestResult {
    if (!this.o2ChannelIds.includes(sensorId)) {
      return { ok: false, code: 'invalid_args', message: `${sensorId} is not an O2 sensor` };
    }
    if (this.running.has(sensorId)) {
      return { ok: false, code: 'refused', message: `${sensorId} is already under test` };
    }
    if (this.running.size > 0) {
      return {
        ok: false,
        code: 'refused',
        message: `${[...this.running.keys()].join(', ')} is under test: one O2 sensor at a time`,
      };
    }
    if (!this.othersGuard(sensorId, readings)) {
      return {
        ok: false,
        code: 'refused',
        message: 'no other O2 sensor reads: the room would be unguarded during the test',
      };
    }
    const reading = readings.find((r) => r.id === sensorId);
    const value = reading && isUsableQuality(reading.quality) ? reading.value : null;
    this.running.set(sensorId, {
      untilMono: now.mono + minutes * 60_000,
      test: {
        sensorId,
        by,
        since: new Date(now.wall).toISOString(),
        until: new Date(now.wall + minutes * 60_000).toISOString(),
        readingAtStartPct: value,
        lowestPct: value,
        highestPct: value,
      },
    });
    return { ok: true, message: `${sensorId} under test for ${minutes} min: fills inhibited` };
  }

  /** Ends a test (the operator's result follows); null when the sensor was not under test. */
  end(sensorId: string): SensorTest | null {
    const running = this.running.get(sensorId);
    this.running.delete(sensorId);
    return running?.test ?? null;
  }

  /**
   * Each sample: follows the readings under test and ends the tests that must end. Returns the
   * ended tests with why.
   */
  update(
    readings: readonly ChannelReading[],
    now: Instant,
  ): { test: SensorTest; reason: SensorTestEnd }[] {
    const ended: { test: SensorTest; reason: SensorTestEnd }[] = [];
    for (const [id, running] of this.running) {
      const reading = readings.find((r) => r.id === id);
      if (reading && isUsableQuality(reading.quality) && reading.value !== null) {
        const { lowestPct, highestPct } = running.test;
        this.running.set(id, {
          ...running,
          test: {
            ...running.test,
            lowestPct: lowestPct === null ? reading.value : Math.min(lowestPct, reading.value),
            highestPct: highestPct === null ? reading.value : Math.max(highestPct, reading.value),
          },
        });
      }
      const reason: SensorTestEnd | null = !this.othersGuard(id, readings)
        ? 'room_unguarded'
        : now.mono >= running.untilMono
          ? 'expired'
          : null;
      if (reason) ended.push({ test: this.end(id)!, reason });
    }
    return ended;
  }

  private othersGuard(sensorId: string, readings: readonly ChannelReading[]): boolean {
    return readings.some(
      (r) =>
        r.id !== sensorId &&
        this.o2ChannelIds.includes(r.id) &&
        isUsableQuality(r.quality) &&
        r.value !== null,
    );
  }
}
