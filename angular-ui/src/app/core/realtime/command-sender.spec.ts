import { TestBed } from '@angular/core/testing';
import { CommandSender } from './command-sender';
import { RealtimeConnection } from './realtime-connection';
import { REALTIME_URL, SESSION_PROBE, SOCKET_FACTORY } from './socket-factory';
import { FakeSocketFactory, snapshot } from './testing/fake-socket';

describe('CommandSender', () => {
  let sockets: FakeSocketFactory;
  let sut: CommandSender;

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
    sut = TestBed.inject(CommandSender);
    TestBed.inject(RealtimeConnection).connect();
  });
  afterEach(() => vi.useRealTimers());

  it('fails at once when not connected, sending nothing', async () => {
    const outcome = await sut.send('valve.open');
    expect(outcome).toMatchObject({ ok: false, error: { code: 'not_connected' } });
    expect(sockets.last.sent).toEqual([]);
  });

  it('sends the command with id and ts, and resolves with its result', async () => {
    sockets.last.open();
    sockets.last.receive(snapshot());
    const pending = sut.send('mode.set', { mode: 'manual' });
    const frame = JSON.parse(sockets.last.sent[0]) as { id: string; ts: string; name: string };
    expect(frame).toMatchObject({ type: 'command', name: 'mode.set', args: { mode: 'manual' } });
    expect(Date.parse(frame.ts)).not.toBeNaN();
    expect(sut.inFlight()).toBe(1);
    sockets.last.receive({
      type: 'command-result',
      id: frame.id,
      ok: true,
      result: { message: 'ok' },
    });
    await expect(pending).resolves.toEqual({ ok: true, result: { message: 'ok' } });
    expect(sut.inFlight()).toBe(0);
  });

  it('fails commands in flight when the connection drops (never resent later)', async () => {
    sockets.last.open();
    const pending = sut.send('valve.close');
    sockets.last.drop();
    await expect(pending).resolves.toMatchObject({ ok: false, error: { code: 'connection_lost' } });
    await vi.advanceTimersByTimeAsync(10_000);
    sockets.last.open();
    expect(sockets.last.sent).toEqual([]);
  });
});
