import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    exclude: ['**/node_modules/**', '**/fixtures/**', '**/dist/**'],
    // End-to-end tests spawn real runners; two cores are shared between them.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'packages',
          include: [
            'packages/*/test/**/*.test.ts',
            'test/ci-files.test.ts',
            'test/docs.test.ts',
            'test/flaky-runners.test.ts',
          ],
        },
      },
      // The CI loop runs three shard jobs at a time, so `npm test` runs it alone, after the rest, and with
      // --reporter=verbose: a line as each of its steps ends, since the file takes minutes.
      { extends: true, test: { name: 'loop', include: ['test/loop.test.ts'] } },
    ],
  },
});
