import { auditRecordSchema, type AuditRecord } from '@cryopilot/protocol';

/** What one audit file yields: its valid records and how many lines were unusable. */
export interface ParsedAuditLines {
  /** Valid records, in file order (oldest first). */
  records: AuditRecord[];
  /** Non-blank lines that were not JSON or not a valid audit record. */
  corrupt: number;
}

/**
 * Parses the JSON lines of one audit file. Never throws: a line cut short by a crash, or
 * mangled on the SD card, is counted and skipped so that one bad line cannot hide the rest
 * of the trail. Blank lines are ignored without being counted.
 */
export function parseAuditLines(text: string): ParsedAuditLines {
  const records: AuditRecord[] = [];
  let corrupt = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const record = parseAuditLine(line);
    if (record === null) corrupt += 1;
    else records.push(record);
  }
  return { records, corrupt };
}

/** One line as a validated record, or null when it is not one. */
export function parseAuditLine(line: string): AuditRecord | null {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    // Catches the SyntaxError of a partial or garbled line; the caller counts it as corrupt.
    return null;
  }
  const parsed = auditRecordSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}
