import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/fixtures/**', '**/dist/**'],
    // End-to-end tests spawn real runners; two cores are shared between them.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
