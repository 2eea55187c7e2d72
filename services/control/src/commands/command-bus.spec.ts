import type { AuditRecord } from '@cryopilot/protocol';
import type { AuditSink } from '../audit/audit-trail';
import type { Clock } from '../clock/clock';
import { CommandBus } from './command-bus';
import type { CommandHandlers } from './command-handlers';

/** A sink that keeps what it is given, and can say the audit runs on its reserve. */
function sink(onReserve = false): AuditSink & { records: AuditRecord[] } {
  const records: AuditRecord[] = [];
  return {
    records,
    append: (record) => {
      records.push(record);
      return Promise.resolve();
    },
    runningOnReserve: () => Promise.resolve(onReserve),
  };
}
const clock = { wallMs: () => Date.UTC(2026, 10, 29) } as unknown as Clock;
const handlers = (run: jest.Mock) => ({ run }) as unknown as CommandHandlers;
const ctx = { user: 'olga', role: 'admin' as const, source: 'http' as const };

describe('CommandBus', () => {
  it('audits a refusal whose arguments are nested too deeply to serialize (found by make attack)', async () => {
    const audit = sink();
    const bus = new CommandBus(handlers(jest.fn()), audit, clock);
    const deep = JSON.parse(`{"mode":${'['.repeat(20_000)}${']'.repeat(20_000)}}`) as unknown;
    const result = await bus.execute({ id: 'deep', name: 'mode.set', args: deep }, ctx);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_args' } });
    expect(audit.records).toEqual([
      expect.objectContaining({
        id: 'deep',
        ok: false,
        args: { truncated: '(arguments nested too deeply to record)' },
      }),
    ]);
  });

  it('on a full disk runs only valve.close and alarm.ack, refusing the rest storage_full', async () => {
    const run = jest.fn().mockResolvedValue({ ok: true, result: {} });
    const audit = sink(true);
    const bus = new CommandBus(handlers(run), audit, clock);
    const mode = await bus.execute({ name: 'mode.set', args: { mode: 'manual' } }, ctx);
    expect(mode).toMatchObject({ ok: false, error: { code: 'storage_full' } });
    expect(run).not.toHaveBeenCalled();
    expect(await bus.execute({ name: 'valve.close' }, ctx)).toMatchObject({ ok: true });
    const ack = await bus.execute({ name: 'alarm.ack', args: { alarmId: 'o2_low' } }, ctx);
    expect(ack).toMatchObject({ ok: true });
    expect(run.mock.calls.map((c) => c[0] as string)).toEqual(['valve.close', 'alarm.ack']);
    expect(audit.records.map((r) => [r.command, r.ok])).toEqual([
      ['mode.set', false],
      ['valve.close', true],
      ['alarm.ack', true],
    ]);
  });
});
