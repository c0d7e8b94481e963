import { existsSync } from 'node:fs';
import { expect, test } from '@playwright/test';

const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].some((p) => existsSync(p));
// Browser downloads are not needed: a system Chromium (Debian's `chromium` package) runs this test.
test.skip(!chromium, 'no system Chromium: `apt-get install chromium` runs this test');

test('renders a page in Chromium', async ({ page }) => {
  await page.setContent('<h1>shardwise</h1><p id="n">3 shards</p>');
  await expect(page.locator('h1')).toHaveText('shardwise');
  await expect(page.locator('#n')).toHaveText('3 shards');
});
