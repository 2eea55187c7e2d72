import { ClientOutbox, OutboundSocket } from './client-outbox';

/** A socket whose backlog the test controls: `drain()` empties it like a reading peer. */
class FakeSocket implements OutboundSocket {
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: string[] = [];
  private callbacks: Array<() => void> = [];
  /** When false, sent bytes stay buffered (a stalled peer). */
  reading = true;

  send(data: Buffer, _options: { binary: false }, callback: (error?: Error) => void): void {
    this.sent.push(data.toString());
    if (this.reading) {
      callback();
      return;
    }
    this.bufferedAmount += data.length;
    this.callbacks.push(() => callback());
  }

  drain(): void {
    this.reading = true;
    this.bufferedAmount = 0;
    const callbacks = this.callbacks;
    this.callbacks = [];
    for (const cb of callbacks) cb();
  }
}

const msg = (text: string) => Buffer.from(text);
const limits = { highWaterBytes: 100, maxQueuedMessages: 3 };

describe('ClientOutbox', () => {
  let socket: FakeSocket;
  let overflows: number;
  let sut: ClientOutbox;

  beforeEach(() => {
    socket = new FakeSocket();
    overflows = 0;
    sut = new ClientOutbox(socket, limits, () => (overflows += 1));
  });

  it('sends everything at once to a client that keeps up', () => {
    sut.enqueue(msg('snapshot'));
    sut.offerSample(msg('s1'));
    sut.offerSample(msg('s2'));
    expect(socket.sent).toEqual(['snapshot', 's1', 's2']);
    expect(sut.stats().conflatedSamples).toBe(0);
  });

  it('holds back only the newest sample while the socket is over the high-water mark', () => {
    socket.reading = false;
    sut.offerSample(msg('x'.repeat(150))); // goes out, fills the socket past the mark
    for (let i = 1; i <= 50; i++) sut.offerSample(msg(`s${i}`));
    expect(socket.sent).toHaveLength(1);
    expect(sut.stats()).toMatchObject({ conflatedSamples: 49, queuedMessages: 0 });
    socket.drain();
    expect(socket.sent.slice(1)).toEqual(['s50']);
  });

  it('keeps must-deliver messages in order and sends them before the held sample', () => {
    socket.reading = false;
    sut.offerSample(msg('x'.repeat(150)));
    sut.offerSample(msg('s1'));
    sut.enqueue(msg('alarm'));
    sut.enqueue(msg('result'));
    sut.offerSample(msg('s2'));
    socket.drain();
    expect(socket.sent.slice(1)).toEqual(['alarm', 'result', 's2']);
    expect(overflows).toBe(0);
  });

  it('gives up on a client whose must-deliver queue overflows, and frees the queue', () => {
    socket.reading = false;
    sut.offerSample(msg('x'.repeat(150)));
    expect([1, 2, 3].map((i) => sut.enqueue(msg(`m${i}`)))).toEqual([true, true, true]);
    expect(sut.enqueue(msg('m4'))).toBe(false);
    expect(overflows).toBe(1);
    expect(sut.stats().queuedMessages).toBe(0);
    expect(sut.enqueue(msg('m5'))).toBe(false);
    expect(overflows).toBe(1);
  });

  it('sends nothing to a socket that is not open', () => {
    socket.readyState = 3;
    sut.offerSample(msg('s1'));
    sut.enqueue(msg('m1'));
    expect(socket.sent).toEqual([]);
  });

  it('bounds memory: the held-back bytes never exceed one sample plus the queue', () => {
    socket.reading = false;
    sut.offerSample(msg('x'.repeat(150)));
    for (let i = 0; i < 10_000; i++) sut.offerSample(msg(`sample-${i}`));
    expect(socket.bufferedAmount).toBe(150);
    expect(socket.sent).toHaveLength(1);
  });
});
