/** Alarm ids of the outboxes (definitions in alarms/alarm-definition.ts). */
export const MQTT_OVERFLOW_ALARM_ID = 'mqtt_outbox_overflow';
export const TELEMETRY_OVERFLOW_ALARM_ID = 'telemetry_outbox_overflow';
export const NOTIFICATION_OVERFLOW_ALARM_ID = 'notification_outbox_overflow';

/**
 * The raw condition of an outbox overflow alarm (pure): on from the first record dropped at
 * the bound until the backlog has been delivered. The alarm book adds acknowledgement, so a
 * loss that ended before anyone looked still shows as `cleared-unacked`.
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
 * Raises and clears an outbox overflow alarm through the control runtime's external alarm
 * conditions (applied at the next sample), and logs both transitions.
 */
export class OutboxOverflowAlarm {
  private readonly condition = new OutboxOverflowCondition();

  constructor(
    private readonly alarmId: string,
    /** For log lines, e.g. "MQTT outbox". */
    private readonly what: string,
    private readonly setCondition: (alarmId: string, active: boolean) => void,
    private readonly logger: { error(message: string): void; log(message: string): void },
  ) {}

  /** The outbox dropped `count` records at its bound (its `onDrop`). */
  dropped(count: number): void {
    this.condition.dropped(count);
  }

  /** After each sample: is the backlog delivered, and how many records were dropped in all. */
  update(backlogDelivered: boolean, droppedTotal: number): void {
    const change = this.condition.update(backlogDelivered);
    if (change === null) return;
    this.setCondition(this.alarmId, change);
    if (change) {
      this.logger.error(
        `${this.what} lost records (${droppedTotal} dropped at its bound in all; records the ` +
          `disk refused are counted as writeFailed); alarm ${this.alarmId} raised`,
      );
    } else {
      this.logger.log(`${this.what} backlog delivered: ${this.alarmId} condition cleared`);
    }
  }
}
