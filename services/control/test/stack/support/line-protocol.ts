/** Measurement, tag keys and field keys of one line of InfluxDB line protocol. */
export interface ParsedLine {
  readonly measurement: string;
  readonly tags: readonly string[];
  readonly fields: readonly string[];
}

/** Splits `text` at `separator` where it is neither escaped nor inside a quoted string. */
function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      current += c + text[i + 1];
      i += 1;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === separator && !quoted) {
      parts.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  parts.push(current);
  return parts;
}

const key = (pair: string) => pair.slice(0, pair.indexOf('=')).replace(/\\(.)/g, '$1');

/** Parses one line (`measurement,tags fields timestamp`). */
export function parseLine(line: string): ParsedLine {
  const [head, fieldSet] = splitUnescaped(line, ' ');
  const [measurement, ...tagPairs] = splitUnescaped(head, ',');
  return {
    measurement,
    tags: tagPairs.map(key),
    fields: splitUnescaped(fieldSet, ',').map(key),
  };
}

/** What a set of lines writes: per measurement, its tag keys and field keys. */
export function schemaOf(
  lines: readonly string[],
): Map<string, { tags: Set<string>; fields: Set<string> }> {
  const schema = new Map<string, { tags: Set<string>; fields: Set<string> }>();
  for (const line of lines) {
    const parsed = parseLine(line);
    const entry = schema.get(parsed.measurement) ?? { tags: new Set(), fields: new Set() };
    parsed.tags.forEach((t) => entry.tags.add(t));
    parsed.fields.forEach((f) => entry.fields.add(f));
    schema.set(parsed.measurement, entry);
  }
  return schema;
}
