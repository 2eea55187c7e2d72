import type { AuditRecord } from '@cryopilot/protocol';
import { auditCsv, matchesFilter } from './audit-table';

const record = (over: Partial<AuditRecord> = {}): AuditRecord => ({
  ts: '2026-11-29T10:00:00.000Z',
  id: 'c1',
  user: 'olga',
  role: 'operator',
  source: 'ws',
  command: 'alarm.ack',
  args: { alarmId: 'o2_low', comment: 'vérifié' },
  ok: true,
  ...over,
});

describe('audit table helpers', () => {
  it('filters on every word, in any column, in any case', () => {
    const refused = record({
      user: 'victor',
      ok: false,
      error: { code: 'forbidden', message: 'viewer' },
    });
    expect(matchesFilter(record(), '')).toBe(true);
    expect(matchesFilter(record(), 'OLGA o2_low')).toBe(true);
    expect(matchesFilter(record(), 'olga refused')).toBe(false);
    expect(matchesFilter(refused, 'victor refused forbidden')).toBe(true);
    // What the page shows in French is searchable too.
    expect(matchesFilter(refused, 'victor refusé', ['refusé : viewer'])).toBe(true);
  });

  it('exports CSV with a header, quoted fields, doubled quotes and UTF-8 mark', () => {
    const csv = auditCsv([record({ args: { comment: 'say "hi"' } })]);
    const [header, row] = csv.slice(1).split('\r\n');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(header).toBe(
      '"time","user","role","source","command","arguments","changes","result","error_code","error_message"',
    );
    expect(row).toContain('"{""comment"":""say \\""hi\\""""}"');
    expect(row).toContain('"ok"');
  });

  it('never lets a spreadsheet run a field as a formula', () => {
    const csv = auditCsv([record({ user: '=HYPERLINK("x")' })]);
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
  });
});
