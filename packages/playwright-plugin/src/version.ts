import { ShardwiseError, versionAtLeast } from '@shardwise/core/light';

/** The first Playwright whose reporters can shard: `Reporter.preprocess` with `TestRun.skipSharding`. */
export const MINIMUM_PLAYWRIGHT = '1.62';

/**
 * Whether a Playwright version (`config.version`: `1.65.1`, `1.64.0-alpha-2026-09-04`) has the reporter
 * API shardwise shards with, by core's one version rule (an unreadable version counts as new enough).
 */
export function supportsPreprocess(version: string): boolean {
  return versionAtLeast(version, MINIMUM_PLAYWRIGHT);
}

/** The one-line error of a Playwright too old for the reporter, with both ways out. */
export function tooOldError(version: string): ShardwiseError {
  return new ShardwiseError(
    'INVALID_OPTION',
    `@shardwise/playwright needs Playwright ${MINIMUM_PLAYWRIGHT} or newer (Reporter.preprocess), this is ${version}`,
    {
      hint: {
        kind: 'text',
        text: `upgrade (\`npm i -D @playwright/test@latest\`), or take the reporter out of the config and shard by file with \`npx shard run --shard I/N -- npx playwright test\``,
      },
    },
  );
}
