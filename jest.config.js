/**
 * All Jest projects; `make test` runs them in one go and prints one summary line.
 *
 * `testTimeout` is a global option: Jest ignores it inside a project's config when projects
 * run together (the e2e tests then silently got 5 s), so it is set here, for every project.
 */
module.exports = {
  testTimeout: 30_000,
  projects: [
    '<rootDir>/packages/protocol/jest.config.js',
    '<rootDir>/services/control/jest.config.js',
  ],
};
