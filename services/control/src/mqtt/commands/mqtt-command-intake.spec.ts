import type { CommandErrorCode, CommandResult } from '@cryopilot/protocol';
import type { CommandContext } from '../../commands/command-context';
import { CommandExecutor, MqttCommandIntake, ReplyAddress } from './mqtt-command-intake';
import type { IncomingMessage } from '../link/mqtt-connection';
import { MqttTopics } from '../publishing/mqtt-topics';

/** Records what reaches the bus; `execute` waits until released (a slow command). */
class RecordingExecutor implements CommandExecutor {
  readonly executed: { raw: unknown; ctx: CommandContext }[] = [];
  readonly rejected: { code: CommandErrorCode; ctx: CommandContext; id?: string }[] = [];
  gate: Promise<void> = Promise.resolve();

  async execute(raw: unknown, ctx: CommandContext): Promise<CommandResult> {
    this.executed.push({ raw, ctx });
    await this.gate;
    return { id: (raw as { id?: string }).id ?? 'gen', ok: true, result: {} };
  }

  reject(code: CommandErrorCode, message: string, ctx: CommandContext, id?: string) {
    this.rejected.push({ code, ctx, ...(id ? { id } : {}) });
    return Promise.resolve<CommandResult>({ id: id ?? 'gen', ok: false, error: { code, message } });
  }
}

const topics = new MqttTopics('cryopilot/t', 'homeassistant');
const message = (
  name: string,
  payload: string,
  extra: Partial<IncomingMessage> = {},
): IncomingMessage => ({
  topic: `cryopilot/t/cmd/${name}`,
  payload: Buffer.from(payload),
  retained: false,
  ...extra,
});

function setup(options: Partial<{ maxWaiting: number }> = {}) {
  const executor = new RecordingExecutor();
  const results: { result: CommandResult; replyTo: ReplyAddress }[] = [];
  let now = 1_000_000;
  const sut = new MqttCommandIntake(
    topics,
    executor,
    {
      role: 'operator',
      maxAgeMs: 10_000,
      maxPayloadBytes: 1024,
      maxWaiting: options.maxWaiting ?? 100,
    },
    (result, replyTo) => results.push({ result, replyTo }),
    () => now,
    () => undefined,
  );
  return { sut, executor, results, advance: (ms: number) => (now += ms) };
}

describe('MqttCommandIntake', () => {
  it("keeps the sender's ts; dates a command without one by its arrival, not by when it runs", async () => {
    const { sut, executor, advance } = setup();
    let release = () => undefined as void;
    executor.gate = new Promise<void>((r) => (release = r)); // commands wait behind a slow one
    sut.handle(message('mode.set', '{"id":"first","args":{"mode":"auto"}}'));
    sut.handle(
      message('mode.set', '{"id":"sent","args":{"mode":"auto"},"ts":"2026-01-01T00:00:00.000Z"}'),
    );
    advance(5_000);
    sut.handle(message('mode.set', '{"id":"later","args":{"mode":"manual"}}'));
    advance(60_000); // they run a minute later
    release();
    await sut.idle();
    expect(executor.executed.map((e) => (e.raw as { ts?: string }).ts)).toEqual([
      new Date(1_000_000).toISOString(),
      '2026-01-01T00:00:00.000Z',
      new Date(1_005_000).toISOString(),
    ]);
  });

  it('runs a command with the configured role and transport expiry; the payload user is only recorded', async () => {
    const { sut, executor, results } = setup();
    expect(
      sut.handle(message('mode.set', '{"id":"a","args":{"mode":"auto"},"user":"admin"}')),
    ).toBe(true);
    await sut.idle();
    await new Promise((r) => setImmediate(r));
    expect(executor.executed[0]).toEqual({
      // No `ts` from the sender: dated by its arrival, so it can still expire in the queue.
      raw: {
        name: 'mode.set',
        id: 'a',
        args: { mode: 'auto' },
        ts: new Date(1_000_000).toISOString(),
      },
      ctx: { user: 'mqtt:admin', role: 'operator', source: 'mqtt', maxAgeMs: 10_000 },
    });
    expect(results.map((r) => r.result)).toEqual([{ id: 'a', ok: true, result: {} }]);
  });

  it('ignores topics that are not commands, and its own results', () => {
    const { sut } = setup();
    expect(sut.handle(message('result', '{}'))).toBe(false);
    expect(sut.handle({ ...message('x', '{}'), topic: 'homeassistant/status' })).toBe(false);
  });

  it('answers every malformed message exactly once, in arrival order, without running it', async () => {
    const { sut, executor, results } = setup();
    sut.handle(message('mode.set', '{'));
    sut.handle(message('mode.set', 'x'.repeat(2000)));
    sut.handle(message('mode.set', '[1]'));
    sut.handle(message('mode.set', '{"id":"r","args":{}}', { retained: true }));
    await sut.idle();
    await new Promise((r) => setImmediate(r));
    expect(executor.executed).toEqual([]);
    expect(executor.rejected.map((r) => r.code)).toEqual([
      'invalid_json',
      'payload_too_large',
      'invalid_args',
      'expired',
    ]);
    expect(results).toHaveLength(4);
  });

  it('refuses a command whose MQTT 5 message expiry ran out while it waited', async () => {
    const { sut, executor, advance } = setup();
    let release!: () => void;
    executor.gate = new Promise((r) => (release = r));
    sut.handle(message('valve.close', '{"id":"slow"}'));
    sut.handle(message('valve.open', '{"id":"late"}', { messageExpiryS: 2 }));
    advance(3000);
    release();
    await sut.idle();
    expect(executor.executed.map((e) => (e.raw as { id: string }).id)).toEqual(['slow']);
    expect(executor.rejected).toEqual([expect.objectContaining({ code: 'expired', id: 'late' })]);
  });

  it('refuses at once, with one answer each, when too many commands are waiting', async () => {
    const { sut, executor, results } = setup({ maxWaiting: 2 });
    let release!: () => void;
    executor.gate = new Promise((r) => (release = r));
    for (let i = 0; i < 5; i += 1) sut.handle(message('valve.close', `{"id":"c${i}"}`));
    await new Promise((r) => setImmediate(r));
    expect(executor.rejected.map((r) => r.code)).toEqual(['refused', 'refused', 'refused']);
    release();
    await sut.idle();
    await new Promise((r) => setImmediate(r));
    expect(results).toHaveLength(5);
    expect(sut.stats()).toEqual({ received: 5, answered: 5, waiting: 0 });
  });

  it('keeps only the reply address for the answer', async () => {
    const { sut, results } = setup();
    const correlationData = Buffer.from('c-1');
    sut.handle(message('valve.close', '{}', { responseTopic: 'replies/x', correlationData }));
    await sut.idle();
    await new Promise((r) => setImmediate(r));
    expect(results[0].replyTo).toEqual({ responseTopic: 'replies/x', correlationData });
  });
});
