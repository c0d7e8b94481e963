import { defineConfig } from 'vitest/config';
import { shardwise } from '@shardwise/vitest';

export default defineConfig({
  // The one line shardwise needs: `vitest run --shard=I/N` now splits by recorded time, and every run records.
  plugins: [shardwise()],
  test: {
    include: ['test/**/*.test.ts'],
  },
});
