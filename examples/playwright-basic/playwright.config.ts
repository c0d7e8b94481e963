import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

// Debian's and Ubuntu's Chromium, when installed: the browser test uses it instead of a downloaded browser.
const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

export default defineConfig({
  testDir: 'tests',
  // One worker per shard job, as Playwright's own template does on CI.
  workers: 1,
  reporter: [['@shardwise/playwright'], ['list']],
  use: chromium ? { launchOptions: { executablePath: chromium } } : {},
});
