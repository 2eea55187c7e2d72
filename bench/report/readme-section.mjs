// @ts-check
/**
 * The README's Benchmarks section: the part of latest.md between the markers replaces the part
 * of the README between the same markers. Pure.
 */

/**
 * @param {string} readme
 * @param {string} latest
 * @param {{ start: string, end: string, title: string }} markers
 * @returns {string}
 * @throws {Error} when either text lacks the markers (nothing is guessed)
 */
export function replaceBetweenMarkers(readme, latest, { start, end, title }) {
  const section = between(latest, start, end, 'bench/results/latest.md');
  between(readme, start, end, 'README.md');
  const body =
    `${start}\n\nResults of ${title.replace(/^CryoPilot benchmark — /, '')} ` +
    `(full report: [bench/results/latest.md](bench/results/latest.md)).\n${section}${end}`;
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
