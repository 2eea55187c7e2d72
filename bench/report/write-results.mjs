// @ts-check
import { mkdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_DIR } from '../lib/paths.mjs';
import { renderMarkdown } from './markdown-report.mjs';
import { latencyChartSvg } from './svg-chart.mjs';

/**
 * Writes `<stem>.json`, `<stem>.md` and `<stem>.svg` into `dir`, and copies them to
 * `latest.*` when asked. Markdown and JSON go through the repository's Prettier (when it is
 * installed) so that `make test`'s format check passes on committed results.
 * @param {import('./result-types.mjs').BenchResults} results
 * @param {{ dir: string, stem: string, latest: boolean }} target
 * @returns {Promise<string[]>} the files written
 */
export async function writeResults(results, { dir, stem, latest }) {
  mkdirSync(dir, { recursive: true });
  const chart = latencyChartSvg(
    results.windows,
    `Sample → WebSocket client latency, ${results.date}${results.quick ? ' (quick)' : ''}`,
  );
  const files = {
    json: await formatted(JSON.stringify(results, null, 2) + '\n', 'json'),
    md: await formatted(renderMarkdown(results, `${stem}.svg`), 'markdown'),
    svg: chart,
  };
  const written = [];
  for (const [ext, text] of Object.entries(files)) {
    const file = join(dir, `${stem}.${ext}`);
    writeFileSync(file, text);
    written.push(file);
  }
  if (latest) {
    copyFileSync(join(dir, `${stem}.json`), join(dir, 'latest.json'));
    copyFileSync(join(dir, `${stem}.svg`), join(dir, 'latest.svg'));
    const md = await formatted(renderMarkdown(results, 'latest.svg'), 'markdown');
    writeFileSync(join(dir, 'latest.md'), md);
    written.push(join(dir, 'latest.json'), join(dir, 'latest.md'), join(dir, 'latest.svg'));
  }
  return written;
}

/**
 * Formats with the repository's Prettier if it is installed (it is after `make install`).
 * @param {string} text
 * @param {'json' | 'markdown'} parser
 * @returns {Promise<string>}
 */
export async function formatted(text, parser) {
  /** @type {typeof import('prettier')} */
  let prettier;
  try {
    // Resolved from the repository root's node_modules (bench/ has no copy of its own).
    prettier = await import('prettier');
  } catch {
    // Prettier is not installed at the root: the tables are already laid out like Prettier does.
    return text;
  }
  const options = (await prettier.resolveConfig(join(REPO_DIR, 'README.md'))) ?? {};
  return prettier.format(text, { ...options, parser });
}
