/** All Jest projects; `make test` runs them in one go and prints one summary line. */
module.exports = {
  // A global option: the projects' own testTimeout is ignored when Jest runs them together
  // (make test), and hooks starting a broker container need more than Jest's 5 s default.
  testTimeout: 30000,
  projects: [
    '<rootDir>/packages/protocol/jest.config.js',
    '<rootDir>/services/control/jest.config.js',
  ],
};
