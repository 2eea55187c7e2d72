import type { DiskOutboxStats } from '../outbox/disk-outbox.types';

/** Alarm raised when the MQTT outbox reached its bound and dropped its oldest records. */
export const MQTT_OVERFLOW_ALARM_ID = 'mqtt_outbox_overflow';

/**
 * The raw condition of `mqtt_outbox_overflow` (pure): on from the first record dropped at
 * the bound until the backlog has been delivered (the outbox is empty again). The alarm book
 * adds acknowledgement, so a loss that ended before anyone looked still shows as
 * `cleared-unacked`.
 */
export class OutboxOverflowCondition {
  private active = false;
  private reported = false;

  /** The outbox dropped `count` records at its bound. */
  dropped(count: number): void {
    if (count > 0) this.active = true;
  }

  /** The condition when it changed since the last call, else null. */
  update(backlogDelivered: boolean): boolean | null {
    if (this.active && backlogDelivered) this.active = false;
    if (this.active === this.reported) return null;
    this.reported = this.active;
    return this.active;
  }
}

/**
 * Raises and clears `mqtt_outbox_overflow` through the control runtime's external alarm
 * conditions (applied at the next sample), and logs both transitions.
 */
export class OutboxOverflowAlarm {
  private readonly condition = new OutboxOverflowCondition();

  constructor(
    private readonly setCondition: (alarmId: string, active: boolean) => void,
    private readonly logger: { error(message: string): void; log(message: string): void },
  ) {}

  /** The outbox dropped `count` records at its bound (its `onDrop`). */
  dropped(count: number): void {
    this.condition.dropped(count);
  }

  /** After each sample, with the outbox's current figures. */
  update(outbox: DiskOutboxStats): void {
    const change = this.condition.update(outbox.pending === 0);
    if (change === null) return;
    this.setCondition(MQTT_OVERFLOW_ALARM_ID, change);
    if (change) {
      this.logger.error(
        `MQTT outbox full: oldest records dropped (${outbox.dropped} in total); alarm ${MQTT_OVERFLOW_ALARM_ID} raised`,
      );
    } else {
      this.logger.log('MQTT outbox backlog delivered: overflow condition cleared');
    }
  }
}
