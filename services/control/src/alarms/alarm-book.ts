import type { Alarm, AlarmEvent, AlarmState, Severity } from '@cryopilot/protocol';
import type { Instant } from '../clock/clock';
import { AlarmDefinition, isShelvable } from './alarm-definition';

/** Outcome of an operator action on an alarm. */
export type AlarmActionResult =
  | { readonly ok: true; readonly alarm: Alarm }
  | { readonly ok: false; readonly code: 'refused' | 'invalid_args'; readonly message: string };

interface AlarmRecord {
  def: AlarmDefinition;
  active: boolean;
  acked: boolean;
  /** A latching alarm went active and has not been reset since. */
  latchPending: boolean;
  onPendingSince: number | null;
  offPendingSince: number | null;
  activeSince: number | null;
  lastChange: number;
  ackedBy: string | null;
  ackComment: string | null;
  shelvedUntilMono: number | null;
  shelvedUntilWall: number | null;
  shelvedBy: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * ISA-18.2 alarm states for a fixed set of alarms: on/off delays, acknowledge, latching with
 * reset, shelving with expiry (never for critical alarms). Pure: the caller supplies the raw
 * conditions and the time; it returns the transitions.
 */
export class AlarmBook {
  private readonly records = new Map<string, AlarmRecord>();

  constructor(definitions: readonly AlarmDefinition[], now: Instant) {
    for (const def of definitions) {
      this.records.set(def.id, {
        def,
        active: false,
        acked: true,
        latchPending: false,
        onPendingSince: null,
        offPendingSince: null,
        activeSince: null,
        lastChange: now.wall,
        ackedBy: null,
        ackComment: null,
        shelvedUntilMono: null,
        shelvedUntilWall: null,
        shelvedBy: null,
      });
    }
  }

  /**
   * Replaces the definitions of known alarms (e.g. an on-delay changed with the setpoints),
   * keeping every alarm's state. A pending on/off delay is measured against the new value.
   * Unknown ids are ignored: the set of alarms is fixed at construction.
   */
  redefine(definitions: readonly AlarmDefinition[]): void {
    for (const def of definitions) {
      const record = this.records.get(def.id);
      if (record) record.def = def;
    }
  }

  /** Applies this tick's raw conditions; returns every alarm whose state changed. */
  update(conditions: Readonly<Record<string, boolean>>, now: Instant): AlarmEvent[] {
    const events: AlarmEvent[] = [];
    for (const record of this.records.values()) {
      const before = stateOf(record);
      this.applyCondition(record, conditions[record.def.id] === true, now);
      if (record.shelvedUntilMono !== null && now.mono >= record.shelvedUntilMono) {
        this.unshelve(record);
      }
      const after = stateOf(record);
      if (after !== before) {
        record.lastChange = now.wall;
        events.push({ alarm: toAlarm(record), previousState: before, ts: iso(now.wall)! });
      }
    }
    return events;
  }

  ack(id: string, user: string, comment: string | undefined, now: Instant): AlarmActionResult {
    const record = this.records.get(id);
    if (!record) return unknown(id);
    if (record.acked) return refused(`${id} has nothing to acknowledge`);
    record.acked = true;
    record.ackedBy = user;
    record.ackComment = comment ?? null;
    record.lastChange = now.wall;
    return { ok: true, alarm: toAlarm(record) };
  }

  /** Resets a latched alarm whose condition has cleared; a reset also acknowledges. */
  reset(id: string, user: string, now: Instant): AlarmActionResult {
    const record = this.records.get(id);
    if (!record) return unknown(id);
    if (!record.latchPending) return refused(`${id} is not latched`);
    if (record.active) return refused(`${id}: the condition is still present`);
    record.latchPending = false;
    if (!record.acked) {
      record.acked = true;
      record.ackedBy = user;
    }
    record.lastChange = now.wall;
    return { ok: true, alarm: toAlarm(record) };
  }

  /** Hides an alarm until `minutes` have passed; shelving acknowledges it. */
  shelve(
    id: string,
    minutes: number,
    user: string,
    comment: string,
    now: Instant,
  ): AlarmActionResult {
    const record = this.records.get(id);
    if (!record) return unknown(id);
    if (!isShelvable(record.def)) return refused(`${id} is critical and cannot be shelved`);
    record.shelvedUntilMono = now.mono + minutes * 60_000;
    record.shelvedUntilWall = now.wall + minutes * 60_000;
    record.shelvedBy = user;
    record.acked = true;
    record.ackedBy = user;
    record.ackComment = comment;
    record.lastChange = now.wall;
    return { ok: true, alarm: toAlarm(record) };
  }

  /**
   * Returns a shelved alarm to view before its shelf expires (ISA-18.2: unshelving restores
   * annunciation, the safe direction). Still active: annunciated again, unacknowledged, exactly
   * as when the shelf expires by itself. Critical alarms are never shelved, so never unshelved.
   */
  unshelveNow(id: string, now: Instant): AlarmActionResult {
    const record = this.records.get(id);
    if (!record) return unknown(id);
    if (!isShelvable(record.def)) return refused(`${id} is critical and is never shelved`);
    if (record.shelvedUntilMono === null) return refused(`${id} is not shelved`);
    this.unshelve(record);
    record.lastChange = now.wall;
    return { ok: true, alarm: toAlarm(record) };
  }

  get(id: string): Alarm | undefined {
    const record = this.records.get(id);
    return record && toAlarm(record);
  }

  list(): Alarm[] {
    return [...this.records.values()].map(toAlarm);
  }

  /** Alarms not in the normal state, most severe first. */
  listNotNormal(): Alarm[] {
    const rank: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };
    return this.list()
      .filter((a) => a.state !== 'normal')
      .sort((a, b) => rank[a.severity] - rank[b.severity]);
  }

  /** Condition present, or latched and awaiting reset. */
  isRaisedOrLatched(id: string): boolean {
    const record = this.records.get(id);
    return record !== undefined && (record.active || record.latchPending);
  }

  /** Latching alarms awaiting reset (persisted so that a restart does not clear them). */
  latchedIds(): string[] {
    return [...this.records.values()].filter((r) => r.latchPending).map((r) => r.def.id);
  }

  /**
   * Restores latches saved before a restart: the alarm shows `latched` (unacknowledged) until
   * an operator resets it, exactly as if the service had never stopped. Unknown ids are ignored.
   */
  restoreLatched(ids: readonly string[], now: Instant): void {
    for (const id of ids) {
      const record = this.records.get(id);
      if (!record?.def.latching) continue;
      record.latchPending = true;
      record.acked = false;
      record.lastChange = now.wall;
    }
  }

  /** Raw-condition memory for deadband hysteresis: which alarms are currently active. */
  activeMap(): Record<string, boolean> {
    const map: Record<string, boolean> = {};
    for (const [id, record] of this.records) map[id] = record.active;
    return map;
  }

  private applyCondition(record: AlarmRecord, condition: boolean, now: Instant): void {
    const { def } = record;
    if (condition) {
      record.offPendingSince = null;
      if (record.active) return;
      record.onPendingSince ??= now.mono;
      if (now.mono - record.onPendingSince < def.onDelayS * 1000) return;
      record.active = true;
      record.acked = false;
      record.ackedBy = null;
      record.ackComment = null;
      record.activeSince = now.wall;
      if (def.latching) record.latchPending = true;
      return;
    }
    record.onPendingSince = null;
    if (!record.active) return;
    record.offPendingSince ??= now.mono;
    if (now.mono - record.offPendingSince < def.offDelayS * 1000) return;
    record.active = false;
    record.offPendingSince = null;
  }

  private unshelve(record: AlarmRecord): void {
    record.shelvedUntilMono = null;
    record.shelvedUntilWall = null;
    record.shelvedBy = null;
    // Still active when the shelf expires: annunciate again.
    if (record.active) record.acked = false;
  }
}

function stateOf(record: AlarmRecord): AlarmState {
  if (record.shelvedUntilMono !== null) return 'shelved';
  if (record.active) return record.acked ? 'active-acked' : 'active-unacked';
  if (record.latchPending) return 'latched';
  return record.acked ? 'normal' : 'cleared-unacked';
}

function toAlarm(record: AlarmRecord): Alarm {
  return {
    id: record.def.id,
    severity: record.def.severity,
    message: record.def.message,
    state: stateOf(record),
    active: record.active,
    acked: record.acked,
    latching: record.def.latching,
    activeSince: iso(record.activeSince),
    lastChange: iso(record.lastChange)!,
    ackedBy: record.ackedBy,
    ackComment: record.ackComment,
    shelvedUntil: iso(record.shelvedUntilWall),
    shelvedBy: record.shelvedBy,
  };
}

function unknown(id: string): AlarmActionResult {
  return { ok: false, code: 'invalid_args', message: `unknown alarm: ${id}` };
}

function refused(message: string): AlarmActionResult {
  return { ok: false, code: 'refused', message };
}
