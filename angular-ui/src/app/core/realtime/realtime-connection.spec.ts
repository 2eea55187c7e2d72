import { TestBed } from '@angular/core/testing';
import { reconnectDelayMs } from './backoff';
import { RealtimeConnection } from './realtime-connection';
import { REALTIME_URL, SESSION_PROBE, SOCKET_FACTORY } from './socket-factory';
import { FakeSocketFactory, snapshot } from './testing/fake-socket';

describe('RealtimeConnection', () => {
  let sockets: FakeSocketFactory;
  let probe: ReturnType<typeof vi.fn>;
  let sut: RealtimeConnection;

  beforeEach(() => {
    vi.useFakeTimers();
    sockets = new FakeSocketFactory();
    probe = vi.fn().mockResolvedValue('valid');
    TestBed.configureTestingModule({
      providers: [
        { provide: SOCKET_FACTORY, useValue: sockets.create },
        { provide: REALTIME_URL, useValue: 'ws://test/ws' },
        { provide: SESSION_PROBE, useValue: probe },
      ],
    });
    sut = TestBed.inject(RealtimeConnection);
  });
  afterEach(() => vi.useRealTimers());

  it('goes connecting → open and delivers parsed server messages', () => {
    const received: string[] = [];
    sut.onMessage((m) => received.push(m.type));
    sut.connect();
    expect(sut.state()).toBe('connecting');
    sockets.last.open();
    expect(sut.state()).toBe('open');
    sockets.last.receive(snapshot());
    sockets.last.onmessage?.(new MessageEvent('message', { data: 'garbage' }));
    expect(received).toEqual(['snapshot']);
  });

  it('reconnects with capped backoff after a drop and a fresh socket each time', async () => {
    sut.connect();
    sockets.last.open();
    sockets.last.drop();
    expect(sut.state()).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(reconnectDelayMs(1, undefined, () => 1));
    expect(sockets.sockets).toHaveLength(2);
    for (let i = 0; i < 8; i++) {
      sockets.last.drop();
      await vi.advanceTimersByTimeAsync(5_000 * 1.2);
    }
    expect(sockets.sockets).toHaveLength(10);
    expect(sut.failedAttempts()).toBe(9);
    sockets.last.open();
    expect(sut.state()).toBe('open');
    expect(sut.failedAttempts()).toBe(0);
  });

  it('never queues: send while disconnected returns false and nothing reaches the next socket', async () => {
    sut.connect();
    sockets.last.open();
    sockets.last.drop();
    const sent = sut.send({ type: 'command', id: 'late', name: 'valve.open', args: {} });
    expect(sent).toBe(false);
    await vi.advanceTimersByTimeAsync(10_000);
    sockets.last.open();
    expect(sockets.last.sent).toEqual([]);
  });

  it('stops retrying when the session is no longer valid (refused upgrade)', async () => {
    probe.mockResolvedValue('invalid');
    sut.connect();
    sockets.last.drop(); // never opened: the page asks whether the session is still valid
    await vi.advanceTimersByTimeAsync(0);
    expect(sut.state()).toBe('unauthorized');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets.sockets).toHaveLength(1);
  });

  it('stops on the service closing the socket because the session ended', () => {
    const drops = vi.fn();
    sut.onDrop(drops);
    sut.connect();
    sockets.last.open();
    sockets.last.drop(4401);
    expect(sut.state()).toBe('unauthorized');
    expect(drops).toHaveBeenCalledTimes(1);
  });

  it('disconnect() closes the socket and cancels retries', async () => {
    sut.connect();
    sockets.last.open();
    sut.disconnect();
    expect(sockets.last.closedByPage).toBe(true);
    expect(sut.state()).toBe('idle');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets.sockets).toHaveLength(1);
  });
});

describe('reconnectDelayMs', () => {
  it('grows exponentially and is capped, with bounded jitter', () => {
    const top = () => 1;
    expect([1, 2, 3, 4, 5, 10].map((n) => reconnectDelayMs(n, undefined, top))).toEqual([
      500, 1000, 2000, 4000, 5000, 5000,
    ]);
    // Equal jitter: drawn from [d/2, d], never above the cap.
    expect(reconnectDelayMs(10, undefined, () => 0.5)).toBe(3750);
    expect(reconnectDelayMs(10, undefined, () => 0)).toBe(2500);
  });
});
