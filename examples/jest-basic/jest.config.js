/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // The one line shardwise needs: `jest --shard=I/N` now splits by recorded time, and every run records.
  testSequencer: '@shardwise/jest',
};
