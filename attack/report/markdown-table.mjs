// @ts-check
/**
 * Markdown tables laid out the way Prettier formats them (cells padded to the column width),
 * so written results pass `prettier --check` as they are. Pure.
 */

/** @param {string} text */
function width(text) {
  let w = 0;
  for (const ch of text) w += /\p{Extended_Pictographic}/u.test(ch) ? 2 : 1;
  return w;
}

/**
 * @param {string[]} header
 * @param {(string | number)[][]} rows
 * @param {('left' | 'right')[]} [align] per column, default left
 * @returns {string}
 */
export function markdownTable(header, rows, align = []) {
  const cells = [header, ...rows.map((row) => row.map((c) => String(c).replace(/\|/g, '\\|')))];
  const widths = header.map((_, col) => Math.max(3, ...cells.map((row) => width(row[col] ?? ''))));
  /** @param {string} text @param {number} col */
  const pad = (text, col) => {
    const fill = ' '.repeat(widths[col] - width(text));
    return align[col] === 'right' ? fill + text : text + fill;
  };
  const line = (/** @type {string[]} */ row) =>
    `| ${row.map((c, i) => pad(c ?? '', i)).join(' | ')} |`;
  const rule = `| ${widths
    .map((w, i) => (align[i] === 'right' ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w)))
    .join(' | ')} |`;
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n');
}
