// A node:test reporter that writes the counts scripts/run-tests.mjs reads, in the field names
// Jest's --json uses: `node --test --test-reporter=./scripts/node-test-summary.mjs
// --test-reporter-destination=<file> …`. Suites (describe) are not tests; a test file that
// fails to load arrives as one failed test, so it is counted, never lost.
export default async function* summary(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let todo = 0;
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    if (event.data.details?.type === 'suite') continue;
    if (event.data.skip) skipped++;
    else if (event.data.todo) todo++;
    else if (event.type === 'test:pass') passed++;
    else failed++;
  }
  yield `${JSON.stringify({
    numPassedTests: passed,
    numFailedTests: failed,
    numPendingTests: skipped,
    numTodoTests: todo,
    numTotalTests: passed + failed + skipped + todo,
  })}\n`;
}
