import type { Alarm, StateSnapshot, WsServerMessage } from '@cryopilot/protocol';
import type { RealtimeSocket } from '../socket-factory';

/** A socket the test drives: `open()`, `receive()`, `drop()`; records what the page sent. */
export class FakeSocket implements RealtimeSocket {
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent<string>) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  readonly sent: string[] = [];
  closedByPage = false;

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    this.sent.push(data);
  }

  close(): void {
    this.closedByPage = true;
    this.readyState = 3;
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }

  receive(message: WsServerMessage): void {
    this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(message) }));
  }

  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.(new CloseEvent('close', { code }));
  }
}

/** Every socket the page created, newest last. */
export class FakeSocketFactory {
  readonly sockets: FakeSocket[] = [];
  readonly create = (): FakeSocket => {
    const socket = new FakeSocket();
    this.sockets.push(socket);
    return socket;
  };

  get last(): FakeSocket {
    const socket = this.sockets.at(-1);
    if (!socket) throw new Error('no socket created');
    return socket;
  }
}

const TS = '2026-11-22T10:00:00.000Z';

export function alarm(over: Partial<Alarm> = {}): Alarm {
  return {
    id: 'o2_low',
    severity: 'warning',
    message: 'O2 low',
    state: 'active-unacked',
    active: true,
    acked: false,
    latching: false,
    activeSince: TS,
    lastChange: TS,
    ackedBy: null,
    ackComment: null,
    shelvedUntil: null,
    shelvedBy: null,
    ...over,
  };
}

export function snapshot(
  over: Partial<StateSnapshot> = {},
  alarms: Alarm[] = [],
): Extract<WsServerMessage, { type: 'snapshot' }> {
  const state: StateSnapshot = {
    deviceId: 'dewar',
    ts: TS,
    mode: 'auto',
    valve: {
      open: false,
      output: 0,
      mode: 'auto',
      reason: 'idle: level 50.0 % ≥ 20 %',
      reasonCode: 'idle',
      reasonParams: { levelPct: 50, fillStartPct: 20 },
      interlocks: [],
      since: TS,
      manualUntil: null,
      autoReturnAt: null,
      manualOpen: { allowed: false, blockedBy: ['auto_mode'] },
    },
    channels: [
      { id: 'o2_1', label: 'O2 1', value: 20.9, unit: '%vol', mA: 17.4, quality: 'good', ts: TS },
      { id: 'ln2_level', label: 'LN2', value: 50, unit: '%', mA: 12, quality: 'good', ts: TS },
    ],
    alarms: [],
    setpoints: {
      fillStartPct: 20,
      fillStopPct: 80,
      levelLowPct: 10,
      levelHighHighPct: 95,
      maxFillS: 1800,
      minOffS: 60,
      manualOpenMaxS: 600,
      manualOpenDefaultS: 300,
      manualAutoReturnS: 0,
      o2LowPct: 19.5,
      o2LowLowPct: 18,
      o2HighPct: 23.5,
      o2DeadbandPct: 0.25,
      o2AlarmOnDelayS: 10,
    },
    links: {
      hardware: { state: 'connected', since: TS },
      mqtt: { state: 'disabled', since: TS },
      telemetry: { state: 'disabled', since: TS },
    },
    ...over,
  };
  return {
    type: 'snapshot',
    state,
    trend: {
      from: TS,
      to: TS,
      t: [Date.parse(TS)],
      channels: { o2_1: [20.9], ln2_level: [50] },
      valve: [0],
    },
    alarms,
    session: {
      user: 'olga',
      role: 'operator',
      commands: ['mode.set', 'valve.open', 'valve.close', 'alarm.ack', 'alarm.reset'],
    },
    trendRetainMinutes: 240,
  };
}

export function sample(seq: number, level: number | null, quality = 'good' as const) {
  const base = snapshot().state;
  return {
    type: 'sample' as const,
    seq,
    ts: new Date(Date.parse(TS) + seq * 100).toISOString(),
    channels: {
      o2_1: { value: 20.9, quality: 'good' as const, mA: 17.4 },
      ln2_level: { value: level, quality: level === null ? ('bad' as const) : quality, mA: 12 },
    },
    valve: base.valve,
  };
}
