/**
 * Parse check of a Go `text/template`, the subset of Go's own rules that alert annotations
 * and labels meet in practice, so that a template Grafana cannot parse is caught here.
 *
 * Sources:
 *  - Go src/text/template/parse/lex.go: actions between `{{` and `}}` (`{{- ` and ` -}}` trim
 *    spaces), comments `{{/* … *\/}}`; inside an action, `$` starts a variable and `.` a
 *    field, both followed by alphanumerics and then a terminator (space, end of line, end of
 *    input, `.` `,` `|` `:` `)` `(` or the right delimiter), else "bad character"; strings,
 *    raw strings, characters, numbers, identifiers, `:=`, `=`, `|`, `(`, `)`, `,`; anything
 *    else is "unrecognized character in action".
 *  - Go src/text/template/parse/parse.go: a variable must be declared before use ("undefined
 *    variable"), a function must exist ("function … not defined"), `if`/`range`/`with`/
 *    `define`/`block` need their `{{end}}`, `else` only inside them.
 *  - grafana/grafana pkg/services/ngalert/state/template/template.go `expandTemplate`:
 *    Grafana prefixes every annotation and label template with
 *    `{{- $labels := .Labels -}}{{- $values := .Values -}}{{- $value := .Value -}}` and parses
 *    it with `text/template` (Prometheus' function map plus Grafana's); on a parse error the
 *    notification carries the unexpanded text and the error is only logged.
 */

/** Variables Grafana declares for every annotation and label template. */
export const GRAFANA_TEMPLATE_VARIABLES = ['$labels', '$values', '$value'];

/** Go's builtins plus the Prometheus and Grafana template functions. */
const FUNCTIONS = new Set([
  // text/template builtins
  'and',
  'or',
  'not',
  'len',
  'index',
  'slice',
  'print',
  'printf',
  'println',
  'html',
  'js',
  'urlquery',
  'call',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  // Prometheus template functions (prometheus/template/template.go)
  'query',
  'first',
  'label',
  'value',
  'strvalue',
  'args',
  'reReplaceAll',
  'safeHtml',
  'match',
  'title',
  'toUpper',
  'toLower',
  'graphLink',
  'tableLink',
  'sortByLabel',
  'humanize',
  'humanize1024',
  'humanizeDuration',
  'humanizePercentage',
  'humanizeTimestamp',
  'toTime',
  'toDuration',
  'parseDuration',
  'pathPrefix',
  'externalURL',
  'stripPort',
  'stripDomain',
  'now',
  'urlQueryEscape',
]);

const KEYWORDS = new Set([
  'if',
  'else',
  'end',
  'range',
  'with',
  'define',
  'block',
  'template',
  'break',
  'continue',
  'nil',
  'true',
  'false',
]);

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isAlphaNumeric = (c: string | undefined) => c !== undefined && /^[\p{L}\p{N}_]$/u.test(c);

type Token =
  | { kind: 'variable' | 'field' | 'identifier' | 'keyword'; text: string }
  | { kind: 'declare' | 'assign' | 'pipe' | 'lparen' | 'rparen' | 'comma' | 'literal' };

class TemplateError extends Error {}

/** Lexes the inside of one action (between the delimiters, trim markers removed). */
function lexAction(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const atTerminator = () => {
    const c = src[i];
    return c === undefined || isSpace(c) || '.,|:)('.includes(c);
  };
  const word = (start: number) => {
    while (isAlphaNumeric(src[i])) i++;
    if (!atTerminator()) throw new TemplateError(`bad character ${describe(src[i])}`);
    return src.slice(start, i);
  };
  while (i < src.length) {
    const c = src[i];
    if (isSpace(c)) {
      i++;
    } else if (c === '"') {
      i++;
      while (src[i] !== '"') {
        if (src[i] === undefined || src[i] === '\n')
          throw new TemplateError('unterminated quoted string');
        i += src[i] === '\\' ? 2 : 1;
      }
      i++;
      tokens.push({ kind: 'literal' });
    } else if (c === '`') {
      const end = src.indexOf('`', i + 1);
      if (end < 0) throw new TemplateError('unterminated raw quoted string');
      i = end + 1;
      tokens.push({ kind: 'literal' });
    } else if (c === "'") {
      i++;
      while (src[i] !== "'") {
        if (src[i] === undefined || src[i] === '\n')
          throw new TemplateError('unterminated character constant');
        i += src[i] === '\\' ? 2 : 1;
      }
      i++;
      tokens.push({ kind: 'literal' });
    } else if (c === '$') {
      const start = i++;
      tokens.push({ kind: 'variable', text: atTerminator() ? '$' : word(start) });
    } else if (c === '.' && !/[0-9]/.test(src[i + 1] ?? '')) {
      const start = i++;
      tokens.push({ kind: 'field', text: atTerminator() ? '.' : word(start) });
    } else if (/[0-9+\-.]/.test(c)) {
      i++;
      while (/[0-9a-zA-Z_.+-]/.test(src[i] ?? '')) i++;
      tokens.push({ kind: 'literal' });
    } else if (isAlphaNumeric(c)) {
      const text = word(i);
      tokens.push({ kind: KEYWORDS.has(text) ? 'keyword' : 'identifier', text });
    } else if (c === ':' && src[i + 1] === '=') {
      i += 2;
      tokens.push({ kind: 'declare' });
    } else if (c === '=') {
      i++;
      tokens.push({ kind: 'assign' });
    } else if (c === '|') {
      i++;
      tokens.push({ kind: 'pipe' });
    } else if (c === '(' || c === ')' || c === ',') {
      i++;
      tokens.push({ kind: c === '(' ? 'lparen' : c === ')' ? 'rparen' : 'comma' });
    } else {
      throw new TemplateError(`unrecognized character in action: ${describe(c)}`);
    }
  }
  return tokens;
}

function describe(c: string | undefined): string {
  if (c === undefined) return 'EOF';
  const code = c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  return `U+${code} '${c}'`;
}

/**
 * Checks `text` as Go's `text/template` parser would (the subset above), with `declared`
 * variables in scope; returns the error message, or null when the template parses.
 */
export function goTemplateError(text: string, declared: readonly string[]): string | null {
  const scopes: string[][] = [[...declared]];
  const blocks: string[] = [];
  const isDeclared = (v: string) => v === '$' || scopes.some((s) => s.includes(v));
  try {
    let pos = 0;
    for (;;) {
      const open = text.indexOf('{{', pos);
      if (open < 0) break;
      let start = open + 2;
      if (text.startsWith('- ', start)) start += 2;
      if (text.startsWith('/*', start)) {
        const end = text.indexOf('*/', start + 2);
        if (end < 0) throw new TemplateError('unclosed comment');
        let after = end + 2;
        if (text.startsWith(' -', after)) after += 2;
        if (!text.startsWith('}}', after))
          throw new TemplateError('comment ends before closing delimiter');
        pos = after + 2;
        continue;
      }
      const close = findClose(text, start);
      if (close < 0) throw new TemplateError('unclosed action');
      let inner = text.slice(start, close);
      if (inner.endsWith(' -')) inner = inner.slice(0, -2);
      pos = close + 2;
      const tokens = lexAction(inner);
      if (tokens.length === 0) throw new TemplateError('missing value for command');
      const first = tokens[0];
      if (first.kind === 'keyword' && first.text === 'end') {
        if (blocks.length === 0) throw new TemplateError('unexpected {{end}}');
        blocks.pop();
        scopes.pop();
        continue;
      }
      if (first.kind === 'keyword' && first.text === 'else') {
        const top = blocks.at(-1);
        if (top !== 'if' && top !== 'range' && top !== 'with')
          throw new TemplateError('unexpected {{else}}');
        scopes[scopes.length - 1] = [];
        checkPipeline(tokens.slice(tokens[1]?.kind === 'keyword' ? 2 : 1));
        continue;
      }
      if (
        first.kind === 'keyword' &&
        ['if', 'range', 'with', 'define', 'block'].includes(first.text)
      ) {
        blocks.push(first.text);
        scopes.push([]);
        checkPipeline(tokens.slice(1));
        continue;
      }
      checkPipeline(tokens);
    }
    if (blocks.length > 0) throw new TemplateError(`unexpected EOF (open {{${blocks.at(-1)}}})`);
    return null;
  } catch (error) {
    if (error instanceof TemplateError) return error.message;
    throw error;
  }

  function checkPipeline(tokens: Token[]) {
    let rest = tokens;
    // Declarations: `$x := …`, `$i, $e := …` (range).
    const declIndex = rest.findIndex((t) => t.kind === 'declare' || t.kind === 'assign');
    if (declIndex > 0) {
      const targets = rest.slice(0, declIndex);
      for (const t of targets) {
        if (t.kind === 'comma') continue;
        if (t.kind !== 'variable') throw new TemplateError('non-variable on left of declaration');
        if (rest[declIndex].kind === 'declare') scopes[scopes.length - 1].push(t.text);
        else if (!isDeclared(t.text)) throw new TemplateError(`undefined variable "${t.text}"`);
      }
      rest = rest.slice(declIndex + 1);
    }
    for (const t of rest) {
      if (t.kind === 'variable' && !isDeclared(t.text))
        throw new TemplateError(`undefined variable "${t.text}"`);
      if (t.kind === 'identifier' && !FUNCTIONS.has(t.text))
        throw new TemplateError(`function "${t.text}" not defined`);
    }
  }
}

/** The `}}` that closes the action opened at `start` (quoted strings skipped). */
function findClose(text: string, start: number): number {
  let quote: string | null = null;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote !== '`') i++;
      else if (c === quote) quote = null;
      else if (c === '\n' && quote !== '`') throw new TemplateError('unterminated quoted string');
    } else if (c === '"' || c === '`' || c === "'") {
      quote = c;
    } else if (c === '}' && text[i + 1] === '}') {
      return i;
    }
  }
  if (quote === '"') throw new TemplateError('unterminated quoted string');
  if (quote === "'") throw new TemplateError('unterminated character constant');
  if (quote === '`') throw new TemplateError('unterminated raw quoted string');
  return -1;
}

/** Grafana's parse of an annotation or label template (its three variables declared). */
export function grafanaTemplateError(text: string): string | null {
  return goTemplateError(text, GRAFANA_TEMPLATE_VARIABLES);
}
