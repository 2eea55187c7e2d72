import { computed, inject, Injectable, signal } from '@angular/core';
import type {
  Alarm,
  ChannelReading,
  Links,
  SessionInfo,
  Setpoints,
  Trend,
  ValveState,
  WsServerMessage,
} from '@cryopilot/protocol';
import { RealtimeConnection } from './realtime-connection';
import { TrendHistory } from './trend-history';

/** What the page knows about one channel. */
export type ChannelView = Omit<ChannelReading, 'ts'> & { readonly ts: string };

/** Everything a snapshot (re)defines; null until the first snapshot of a connection. */
interface LiveState {
  readonly deviceId: string;
  readonly session: SessionInfo;
  readonly channels: readonly ChannelView[];
  readonly valve: ValveState;
  readonly alarms: ReadonlyMap<string, Alarm>;
  readonly links: Links;
  readonly setpoints: Setpoints;
  readonly trendRetainMinutes: number;
  readonly seq: number;
}

export const DEFAULT_TREND_MINUTES = 15;
const SEVERITY_RANK = { critical: 0, warning: 1, info: 2 } as const;

/**
 * The page's live state, folded from server messages into signals. A snapshot replaces
 * everything (after a reconnect the page never patches what it had before the gap); samples,
 * alarm, link and setpoint events update it. When the connection drops the state is marked
 * not live at once, and samples are ignored until the next snapshot.
 */
@Injectable({ providedIn: 'root' })
export class RealtimeState {
  private readonly connection = inject(RealtimeConnection);
  private readonly live = signal<LiveState | null>(null);
  private readonly awaitingSnapshot = signal(true);
  private readonly trendVersionSignal = signal(0);
  /** Server clock minus page clock (ms), from the last snapshot: commands carry server time. */
  private clockOffsetMs = 0;
  private history: TrendHistory | null = null;
  private trendMinutes = DEFAULT_TREND_MINUTES;

  /** True while connected and synchronised: values on screen are live. */
  readonly isLive = computed(() => this.connection.isOpen() && !this.awaitingSnapshot());
  /** True once any snapshot arrived (values may be shown, greyed out when not live). */
  readonly hasData = computed(() => this.live() !== null);
  readonly deviceId = computed(() => this.live()?.deviceId ?? '');
  readonly session = computed(() => this.live()?.session ?? null);
  readonly channels = computed(() => this.live()?.channels ?? []);
  readonly valve = computed(() => this.live()?.valve ?? null);
  readonly links = computed(() => this.live()?.links ?? null);
  readonly setpoints = computed(() => this.live()?.setpoints ?? null);
  readonly trendRetainMinutes = computed(() => this.live()?.trendRetainMinutes ?? 15);
  readonly lastSeq = computed(() => this.live()?.seq ?? 0);
  /**
   * Standing alarms: not normal and not shelved (ISA-18.2: a shelved alarm leaves the list and
   * the counts), most severe first, then newest.
   */
  readonly activeAlarms = computed(() =>
    this.alarmsWhere((a) => a.state !== 'normal' && a.state !== 'shelved'),
  );
  /** Shelved alarms, shown apart with who shelved them and until when; soonest back first. */
  readonly shelvedAlarms = computed(() =>
    this.alarmsWhere((a) => a.state === 'shelved').sort((a, b) =>
      (a.shelvedUntil ?? '').localeCompare(b.shelvedUntil ?? ''),
    ),
  );
  /** Increments whenever the trend data changed (the chart batches redraws per frame). */
  readonly trendVersion = this.trendVersionSignal.asReadonly();

  constructor() {
    this.connection.onMessage((message) => this.apply(message));
    this.connection.onDrop(() => this.awaitingSnapshot.set(true));
  }

  /** The trend data (read after `trendVersion()` changes). */
  trend(): TrendHistory | null {
    return this.history;
  }

  /** The service's clock now, as far as the page can tell. */
  serverNowMs(now = Date.now()): number {
    return now + this.clockOffsetMs;
  }

  /** Replaces the chart's history with a longer or shorter window (from `/api/trend`). */
  loadTrend(trend: Trend, minutes: number): void {
    this.trendMinutes = minutes;
    this.history?.load(trend, minutes * 60_000);
    this.trendVersionSignal.update((v) => v + 1);
  }

  /** Folds one server message into the state. */
  apply(message: WsServerMessage): void {
    switch (message.type) {
      case 'snapshot': {
        const { state } = message;
        this.clockOffsetMs = Date.parse(state.ts) - Date.now();
        const alarms = new Map<string, Alarm>();
        for (const alarm of [...message.alarms, ...state.alarms]) alarms.set(alarm.id, alarm);
        this.history = new TrendHistory(
          state.channels.map((c) => c.id),
          DEFAULT_TREND_MINUTES * 60_000,
        );
        this.history.load(message.trend, DEFAULT_TREND_MINUTES * 60_000);
        this.trendMinutes = DEFAULT_TREND_MINUTES;
        this.live.set({
          deviceId: state.deviceId,
          session: message.session,
          channels: state.channels,
          valve: state.valve,
          alarms,
          links: state.links,
          setpoints: state.setpoints,
          trendRetainMinutes: message.trendRetainMinutes ?? DEFAULT_TREND_MINUTES,
          seq: 0,
        });
        this.awaitingSnapshot.set(false);
        this.trendVersionSignal.update((v) => v + 1);
        return;
      }
      case 'sample': {
        const current = this.live();
        if (!current || this.awaitingSnapshot()) return;
        const channels = current.channels.map((c) => {
          const s = message.channels[c.id];
          return s ? { ...c, value: s.value, quality: s.quality, mA: s.mA, ts: message.ts } : c;
        });
        if (message.valve.open !== current.valve.open) {
          const kind = message.valve.open ? 'fill-start' : 'fill-end';
          this.history?.addEvent({ t: Date.parse(message.ts), kind });
        }
        this.live.set({ ...current, channels, valve: message.valve, seq: message.seq });
        this.history?.append(Date.parse(message.ts), message.channels, message.valve.output);
        this.trendVersionSignal.update((v) => v + 1);
        return;
      }
      case 'alarm':
        this.markRaise(message.alarm);
        this.update((s) => ({
          ...s,
          alarms: new Map(s.alarms).set(message.alarm.id, message.alarm),
        }));
        return;
      case 'links':
        this.update((s) => ({
          ...s,
          links: { hardware: message.hardware, mqtt: message.mqtt, telemetry: message.telemetry },
        }));
        return;
      case 'setpoints':
        this.update((s) => ({ ...s, setpoints: message.setpoints }));
        return;
      case 'command-result':
        return; // correlated by the command sender
    }
  }

  /** An alarm that just became active gets a trend marker, as the service stores it. */
  private markRaise(alarm: Alarm): void {
    const before = this.live()?.alarms.get(alarm.id);
    const active = (a: Alarm | undefined) =>
      a?.state === 'active-unacked' || a?.state === 'active-acked';
    if (!active(alarm) || active(before) || !alarm.activeSince) return;
    this.history?.addEvent({
      t: Date.parse(alarm.activeSince),
      kind: 'alarm',
      alarmId: alarm.id,
      severity: alarm.severity,
    });
  }

  /** Minutes shown by the trend chart. */
  currentTrendMinutes(): number {
    return this.trendMinutes;
  }

  /** Forgets everything (logout). */
  clear(): void {
    this.live.set(null);
    this.history = null;
    this.awaitingSnapshot.set(true);
  }

  private alarmsWhere(keep: (alarm: Alarm) => boolean): Alarm[] {
    return [...(this.live()?.alarms.values() ?? [])]
      .filter(keep)
      .sort(
        (a, b) =>
          SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
          b.lastChange.localeCompare(a.lastChange),
      );
  }

  private update(change: (state: LiveState) => LiveState): void {
    const current = this.live();
    if (current && !this.awaitingSnapshot()) this.live.set(change(current));
  }
}
