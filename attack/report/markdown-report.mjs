// @ts-check
import { text } from '../lib/tally.mjs';
import { markdownTable } from './markdown-table.mjs';

/** Markers of the README section `update-readme.mjs` fills (also around the table here). */
export const README_START = '<!-- attack:start -->';
export const README_END = '<!-- attack:end -->';

/**
 * @typedef {object} AttackResults
 * @property {string} date ISO, seconds
 * @property {string[]} suites the suites asked for
 * @property {number} durationS
 * @property {boolean} passed no crash and no forbidden state change
 * @property {Record<string, unknown>} machine
 * @property {import('../lib/tally.mjs').SuiteResult[]} results
 */

/**
 * The summary table: suite | tried | handled | crashes | state changes | notable figure.
 * @param {import('../lib/tally.mjs').SuiteResult[]} results
 */
export function summaryTable(results) {
  return markdownTable(
    ['suite', 'tried', 'handled', 'crashes', 'state changes', 'notable figure'],
    results.map((r) =>
      r.skipped
        ? [r.name, '–', '–', '–', '–', `skipped: ${r.skipped}`]
        : [r.name, r.tried, r.handled, r.crashes, r.stateChanges, r.notable],
    ),
    ['left', 'right', 'right', 'right', 'right', 'left'],
  );
}

/**
 * The whole report: the table (between the README markers), then per suite what it did, its
 * figures and findings.
 * @param {AttackResults} run
 * @param {Record<string, string>} summaries one line per suite name
 */
export function renderMarkdown(run, summaries) {
  const lines = [
    `# CryoPilot attack run — ${run.date}`,
    '',
    `${run.passed ? 'Passed' : '**Failed**'}: ${run.durationS} s on ${describeMachine(run.machine)}; everything on 127.0.0.0/8. ` +
      '"Handled" means a clear 4xx, a refusal or a close code; a crash is the service dying or not ' +
      'answering `/api/health`; a state change is the valve, mode, setpoints, trips or alarms changed ' +
      'by input that was invalid or not allowed (attack/README.md).',
    '',
    README_START,
    '',
    summaryTable(run.results),
    '',
    README_END,
    '',
  ];
  for (const r of run.results) {
    lines.push(`## ${r.name}`, '', summaries[r.name] ?? '', '');
    if (r.skipped) {
      lines.push(`Skipped: ${r.skipped}.`, '');
      continue;
    }
    lines.push(
      `${r.tried} tried, ${r.handled} handled, ${r.crashes} crashes, ${r.stateChanges} state changes, ` +
        `${r.errorsLogged} error lines in the service log, ${r.durationS.toFixed(0)} s.`,
      '',
    );
    const figures = Object.entries(r.figures).filter(([k]) => k !== 'serviceErrorLines');
    if (figures.length > 0) {
      lines.push(
        markdownTable(
          ['figure', 'value'],
          figures.map(([k, v]) => [k, formatValue(v)]),
        ),
        '',
      );
    }
    const counts = Object.entries(r.counts).sort(([a], [b]) => a.localeCompare(b));
    if (counts.length > 0) {
      lines.push(
        '<details><summary>outcomes by kind</summary>',
        '',
        markdownTable(
          ['outcome', 'count'],
          counts.map(([k, v]) => [k, v]),
          ['left', 'right'],
        ),
        '',
        '</details>',
        '',
      );
    }
    if (r.findings.length > 0) {
      lines.push('Findings:', '', ...r.findings.map((f) => `- ${oneLine(f)}`), '');
    }
    const errors = /** @type {string[] | undefined} */ (r.figures.serviceErrorLines);
    if (errors && errors.length > 0) {
      lines.push(
        'Service log errors (first lines):',
        '',
        ...errors.map((e) => `- ${oneLine(e)}`),
        '',
      );
    }
  }
  return lines.join('\n');
}

/** @param {Record<string, unknown>} machine */
function describeMachine(machine) {
  return `${text(machine.cpus)} × ${text(machine.cpuModel)}, Node ${text(machine.node)}, commit ${text(machine.commit)}${machine.dirty ? ' (with uncommitted changes in services/ or packages/)' : ''}`;
}

/**
 * @param {unknown} value
 * @returns {string}
 */
function formatValue(value) {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v) => formatValue(v)).join('; ') || '–';
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value)
      .map(([k, v]) => `${k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : v}`)
      .join(', ');
  }
  return String(value);
}

/** @param {string} text */
function oneLine(text) {
  return text.replace(/\s+/g, ' ').replace(/`/g, "'").slice(0, 400);
}
