/**
 * The real-stack checks (test/stack-real, `*.real-spec.ts`): against a running Compose stack
 * with the real upstream images — the GitHub workflow's `stack-real` job, `make
 * test-stack-real`. Not part of `make test`: the default config's pattern does not match them.
 */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  displayName: 'stack-real',
  roots: ['<rootDir>/test/stack-real'],
  testRegex: '\\.real-spec\\.ts$',
  testTimeout: 600_000,
};
