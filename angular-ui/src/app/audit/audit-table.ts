import type { AuditRecord } from '@cryopilot/protocol';

/** The text a record is searched in and exported with: every column, as shown. */
function cells(record: AuditRecord): string[] {
  return [
    record.ts,
    record.user,
    record.role ?? '',
    record.source,
    record.command,
    record.args === undefined || record.args === null ? '' : JSON.stringify(record.args),
    record.changes ? JSON.stringify(record.changes) : '',
    record.ok ? 'ok' : 'refused',
    record.error?.code ?? '',
    record.error?.message ?? '',
  ];
}

/**
 * Whether `record` has every word of `filter` somewhere in it (any column, any case):
 * "olga refused" finds Olga's refused commands. `shown` adds the texts the page shows for it
 * (the localised time and result), so that what a person reads is what they can search.
 * An empty filter keeps everything.
 */
export function matchesFilter(
  record: AuditRecord,
  filter: string,
  shown: readonly string[] = [],
): boolean {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const text = [...cells(record), ...shown].join(' ').toLowerCase();
  return words.every((word) => text.includes(word));
}

const HEADER = [
  'time',
  'user',
  'role',
  'source',
  'command',
  'arguments',
  'changes',
  'result',
  'error_code',
  'error_message',
];

/**
 * The records as CSV (RFC 4180: CRLF, every field quoted, quotes doubled), with a UTF-8 byte
 * order mark so that a spreadsheet shows accents right. A field a spreadsheet would run as a
 * formula (starting with = + - @, tab or CR: a comment typed by anyone) gets a leading `'`.
 */
export function auditCsv(records: readonly AuditRecord[]): string {
  const rows = [HEADER, ...records.map(cells)].map((row) => row.map(csvField).join(','));
  return `\uFEFF${rows.join('\r\n')}\r\n`;
}

function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}
