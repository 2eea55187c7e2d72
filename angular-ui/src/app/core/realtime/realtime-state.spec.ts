import { TestBed } from '@angular/core/testing';
import { RealtimeConnection } from './realtime-connection';
import { RealtimeState } from './realtime-state';
import { REALTIME_URL, SESSION_PROBE, SOCKET_FACTORY } from './socket-factory';
import { alarm, FakeSocketFactory, sample, snapshot } from './testing/fake-socket';

describe('RealtimeState', () => {
  let sockets: FakeSocketFactory;
  let sut: RealtimeState;
  let connection: RealtimeConnection;

  beforeEach(() => {
    vi.useFakeTimers();
    sockets = new FakeSocketFactory();
    TestBed.configureTestingModule({
      providers: [
        { provide: SOCKET_FACTORY, useValue: sockets.create },
        { provide: REALTIME_URL, useValue: 'ws://test/ws' },
        { provide: SESSION_PROBE, useValue: () => Promise.resolve('valid') },
      ],
    });
    sut = TestBed.inject(RealtimeState);
    connection = TestBed.inject(RealtimeConnection);
    connection.connect();
    sockets.last.open();
  });
  afterEach(() => vi.useRealTimers());

  it('is not live until the snapshot arrives, then folds samples in', () => {
    expect(sut.isLive()).toBe(false);
    sockets.last.receive(snapshot());
    expect(sut.isLive()).toBe(true);
    expect(sut.deviceId()).toBe('dewar');
    sockets.last.receive(sample(1, 42));
    expect(sut.channels().find((c) => c.id === 'ln2_level')?.value).toBe(42);
    expect(sut.lastSeq()).toBe(1);
    expect(sut.trend()?.t.length).toBe(2);
  });

  it('after a drop: not live at once, samples ignored, and a fresh snapshot replaces everything', async () => {
    sockets.last.receive(snapshot({}, [alarm({ id: 'o2_low' })]));
    expect(sut.activeAlarms().map((a) => a.id)).toEqual(['o2_low']);
    sockets.last.drop();
    expect(sut.isLive()).toBe(false);
    await vi.advanceTimersByTimeAsync(10_000);
    sockets.last.open();
    sockets.last.receive(sample(5, 10)); // before the snapshot: must not patch the old state
    expect(sut.channels().find((c) => c.id === 'ln2_level')?.value).toBe(50);
    expect(sut.isLive()).toBe(false);
    sockets.last.receive(snapshot({}, [alarm({ id: 'level_low' })]));
    expect(sut.isLive()).toBe(true);
    // The alarm known before the gap is gone: nothing of the old state survives.
    expect(sut.activeAlarms().map((a) => a.id)).toEqual(['level_low']);
  });

  it('orders alarms by severity and drops ones back to normal', () => {
    sockets.last.receive(snapshot({}, [alarm({ id: 'o2_low' })]));
    sockets.last.receive({
      type: 'alarm',
      alarm: alarm({ id: 'o2_low_low', severity: 'critical' }),
    });
    expect(sut.activeAlarms().map((a) => a.id)).toEqual(['o2_low_low', 'o2_low']);
    sockets.last.receive({ type: 'alarm', alarm: alarm({ id: 'o2_low', state: 'normal' }) });
    expect(sut.activeAlarms().map((a) => a.id)).toEqual(['o2_low_low']);
  });

  it('keeps shelved alarms out of the standing list, in their own', () => {
    sockets.last.receive(
      snapshot({}, [
        alarm({ id: 'o2_low' }),
        alarm({
          id: 'level_low',
          state: 'shelved',
          shelvedBy: 'admin',
          shelvedUntil: '2026-01-01T10:00:00.000Z',
        }),
      ]),
    );
    expect(sut.activeAlarms().map((a) => a.id)).toEqual(['o2_low']);
    expect(sut.shelvedAlarms().map((a) => a.id)).toEqual(['level_low']);
    sockets.last.receive({ type: 'alarm', alarm: alarm({ id: 'level_low' }) });
    expect(
      sut
        .activeAlarms()
        .map((a) => a.id)
        .sort(),
    ).toEqual(['level_low', 'o2_low']);
    expect(sut.shelvedAlarms()).toEqual([]);
  });

  it('marks the trend live: an alarm raised (not acknowledged), the valve opening and closing', () => {
    sockets.last.receive(snapshot());
    const raisedAt = '2026-11-22T10:00:00.300Z';
    sockets.last.receive({ type: 'alarm', alarm: alarm({ activeSince: raisedAt }) });
    sockets.last.receive({
      type: 'alarm',
      alarm: alarm({ activeSince: raisedAt, state: 'active-acked', acked: true }),
    });
    const open = sample(1, 40);
    sockets.last.receive({ ...open, valve: { ...open.valve, open: true, output: 100 } });
    sockets.last.receive(sample(2, 41));
    expect(sut.trend()?.events).toEqual([
      { t: Date.parse(raisedAt), kind: 'alarm', alarmId: 'o2_low', severity: 'warning' },
      { t: Date.parse(open.ts), kind: 'fill-start' },
      { t: Date.parse(sample(2, 41).ts), kind: 'fill-end' },
    ]);
  });

  it('takes setpoint and link events', () => {
    sockets.last.receive(snapshot());
    const setpoints = { ...snapshot().state.setpoints, fillStartPct: 25 };
    sockets.last.receive({ type: 'setpoints', setpoints });
    expect(sut.setpoints()?.fillStartPct).toBe(25);
    const since = '2026-11-22T10:00:01.000Z';
    sockets.last.receive({
      type: 'links',
      hardware: { state: 'disconnected', since },
      mqtt: { state: 'connected', since },
      telemetry: { state: 'disabled', since },
    });
    expect(sut.links()?.hardware.state).toBe('disconnected');
  });

  it('gives commands the service clock (offset from the snapshot time)', () => {
    const message = snapshot();
    const serverTs = Date.now() + 60_000; // the service clock runs a minute ahead
    message.state.ts = new Date(serverTs).toISOString();
    sockets.last.receive(message);
    expect(Math.abs(sut.serverNowMs() - serverTs)).toBeLessThan(50);
  });
});
