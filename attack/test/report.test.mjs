// @ts-check
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { README_END, README_START, summaryTable } from '../report/markdown-report.mjs';
import { replaceAttackSection } from '../report/readme-section.mjs';
import { formatted } from '../report/write-results.mjs';
import { skippedResult, Tally } from '../lib/tally.mjs';
import { assertLoopback, sourceAddress } from '../lib/net.mjs';

test('the summary table is laid out as Prettier would', async () => {
  const tally = new Tally('http-fuzz');
  tally.input(true);
  tally.input(false, 'a 500');
  const table = summaryTable([
    tally.result('4xx 1, 5xx 1', 3),
    skippedResult('disk-full', 'not root'),
  ]);
  assert.equal(await formatted(`${table}\n`, 'markdown'), `${table}\n`);
  assert.match(table, /\| http-fuzz \| +2 \| +1 \| +0 \| +0 \| 4xx 1, 5xx 1 +\|/);
  assert.match(table, /skipped: not root/);
});

test('the README section is replaced between the markers only', () => {
  const readme = `# R\n\nbefore\n\n${README_START}\nold\n${README_END}\n\nafter\n`;
  const latest = `# x\n\n${README_START}\n\n| a |\n| - |\n\n${README_END}\n## more`;
  const out = replaceAttackSection(readme, latest, {
    start: README_START,
    end: README_END,
    date: 'D',
    durationS: 5,
    passed: true,
  });
  assert.match(out, /before\n\n<!-- attack:start -->\n\nRun of D: passed in 5 s/);
  assert.match(out, /\| a \|\n\| - \|\n\n<!-- attack:end -->\n\nafter\n$/);
  assert.throws(
    () =>
      replaceAttackSection('# no markers', latest, {
        start: README_START,
        end: README_END,
        date: 'D',
        durationS: 5,
        passed: true,
      }),
    /README.md has no/,
  );
});

test('source addresses stay on loopback and skip 127.0.0.1', () => {
  assert.equal(sourceAddress(1, 0), '127.0.1.1');
  assert.equal(sourceAddress(2, 254), '127.0.2.1');
  assert.throws(() => sourceAddress(0, 0));
  assert.doesNotThrow(() => assertLoopback('127.9.9.9'));
  assert.throws(() => assertLoopback('10.0.0.1'), /not a loopback/);
});
