/** All Jest projects; `make test` runs them in one go and prints one summary line. */
module.exports = {
  projects: [
    '<rootDir>/packages/protocol/jest.config.js',
    '<rootDir>/services/control/jest.config.js',
  ],
};
