/** Unit tests of the shared contracts. */
module.exports = {
  displayName: 'protocol',
  rootDir: 'src',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest'] },
};
