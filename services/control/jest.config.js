/**
 * Unit specs live next to the code (src/**\/*.spec.ts); integration and HTTP-level tests in
 * test/ (*.e2e-spec.ts). SWC transpiles (fast); `npm run typecheck` does the type checking.
 */
const swc = ['@swc/jest', { swcrc: false, ...require('./swc.config.js') }];
module.exports = {
  displayName: 'control',
  rootDir: '.',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testEnvironment: 'node',
  testRegex: '\\.(spec|e2e-spec)\\.ts$',
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { '^@cryopilot/protocol$': '<rootDir>/../../packages/protocol/src/index.ts' },
  // Honoured only when this project runs alone (`npx jest --config …`); the root config sets
  // the same for `make test`, where Jest ignores per-project timeouts.
  testTimeout: 30_000,
};
