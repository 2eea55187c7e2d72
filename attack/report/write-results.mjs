// @ts-check
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_DIR } from '../lib/paths.mjs';
import { renderMarkdown } from './markdown-report.mjs';

/**
 * Writes `<stem>.json` and `<stem>.md` into `dir` and, for a full run, copies them to
 * `latest.*`. Both go through the repository's Prettier (installed at the root), so that the
 * committed results pass `prettier --check`.
 * @param {import('./markdown-report.mjs').AttackResults} run
 * @param {Record<string, string>} summaries
 * @param {{ dir: string, stem: string, latest: boolean }} target
 * @returns {Promise<string[]>} the files written
 */
export async function writeResults(run, summaries, { dir, stem, latest }) {
  mkdirSync(dir, { recursive: true });
  const files = {
    json: await formatted(`${JSON.stringify(run, null, 2)}\n`, 'json'),
    md: await formatted(renderMarkdown(run, summaries), 'markdown'),
  };
  const written = [];
  for (const [ext, text] of Object.entries(files)) {
    const file = join(dir, `${stem}.${ext}`);
    writeFileSync(file, text);
    written.push(file);
    if (latest) {
      copyFileSync(file, join(dir, `latest.${ext}`));
      written.push(join(dir, `latest.${ext}`));
    }
  }
  return written;
}

/**
 * Formats with the repository's Prettier when it is installed.
 * @param {string} text
 * @param {'json' | 'markdown'} parser
 * @returns {Promise<string>}
 */
export async function formatted(text, parser) {
  /** @type {typeof import('prettier')} */
  let prettier;
  try {
    prettier = await import('prettier');
  } catch {
    // Not installed (no `make install` yet): written as laid out.
    return text;
  }
  const options = (await prettier.resolveConfig(join(REPO_DIR, 'README.md'))) ?? {};
  return prettier.format(text, { ...options, parser });
}
