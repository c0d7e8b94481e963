// Writes the options tables of the READMEs from core's settings table: every block between
// `<!-- settings:FRONTEND -->` and `<!-- /settings -->` (run `npm run docs:settings` after changing a setting;
// packages/core/test/settings-table.test.ts fails while a README differs).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { withSettingsTables } from '@shardwise/core';

const root = path.resolve(import.meta.dirname, '..');
for (const pkg of ['cli', 'jest-plugin', 'vitest-plugin', 'playwright-plugin']) {
  const file = path.join(root, 'packages', pkg, 'README.md');
  const text = readFileSync(file, 'utf8');
  const next = withSettingsTables(text);
  if (next !== text) {
    writeFileSync(file, next);
    console.log(`updated ${path.relative(root, file)}`);
  }
}
