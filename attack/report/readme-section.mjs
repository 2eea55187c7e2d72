// @ts-check
/**
 * The README's attack section: the table of results/latest.md (between its markers) replaces
 * what is between the same markers in the README. Pure.
 */

/**
 * @param {string} readme
 * @param {string} latest the text of results/latest.md
 * @param {{ start: string, end: string, date: string, durationS: number, passed: boolean }} run
 * @returns {string}
 * @throws {Error} when either text lacks the markers (nothing is guessed)
 */
export function replaceAttackSection(readme, latest, { start, end, date, durationS, passed }) {
  const table = between(latest, start, end, 'attack/results/latest.md').trim();
  between(readme, start, end, 'README.md');
  const body =
    `${start}\n\n` +
    `Run of ${date}: ${passed ? 'passed' : 'failed'} in ${durationS} s ` +
    `(full report: [attack/results/latest.md](attack/results/latest.md)).\n\n${table}\n\n${end}`;
  return (
    readme.slice(0, readme.indexOf(start)) + body + readme.slice(readme.indexOf(end) + end.length)
  );
}

/**
 * @param {string} text
 * @param {string} start
 * @param {string} end
 * @param {string} name
 */
function between(text, start, end, name) {
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${name} has no ${start} … ${end} section`);
  return text.slice(from + start.length, to);
}
