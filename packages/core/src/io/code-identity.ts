/**
 * The identity of the code a run tested: the commit and a hash of each test file's content. Flaky
 * detection compares outcomes only between runs of the same code, so a test that fails after a change is
 * told apart from one that fails at random. No dependencies: the runner plugins call it on every run.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * The variables CI systems set to the commit under test, tried in order. `SHARDWISE_COMMIT` first, so a
 * pipeline can name the commit itself (e.g. the head of a pull request instead of GitHub's merge commit).
 */
export const COMMIT_ENV = [
  'SHARDWISE_COMMIT',
  'GITHUB_SHA', // GitHub Actions
  'CI_COMMIT_SHA', // GitLab CI, Woodpecker
  'CIRCLE_SHA1', // CircleCI
  'BUILDKITE_COMMIT', // Buildkite
  'BITBUCKET_COMMIT', // Bitbucket Pipelines
  'SEMAPHORE_GIT_SHA', // Semaphore
  'BUILD_SOURCEVERSION', // Azure Pipelines
  'DRONE_COMMIT_SHA', // Drone
  'TRAVIS_COMMIT', // Travis CI
  'CODEBUILD_RESOLVED_SOURCE_VERSION', // AWS CodeBuild
  'APPVEYOR_REPO_COMMIT', // AppVeyor
  'GIT_COMMIT', // Jenkins (git plugin)
] as const;

/** A full or abbreviated hexadecimal commit id (SHA-1 or SHA-256): lower-cased, as git prints it. */
const COMMIT = /^[0-9a-f]{7,64}$/i;

/**
 * The longest commit id kept. A CI variable may name the build rather than a hash (`build-1234`, a
 * tag): any non-empty id is kept, but a longer one is cut to this many characters, so a stray value (a
 * whole message pasted into the variable) cannot bloat every report and the history.
 */
export const MAX_COMMIT_LENGTH = 200;

/**
 * The commit under test: the first CI variable of {@link COMMIT_ENV} that is set (trimmed, not empty), else
 * `git rev-parse HEAD` in `cwd`, else `undefined` (not a git checkout, no git). A hexadecimal id is
 * lower-cased; any other id (`build-1234`) is kept as given; either is cut to {@link MAX_COMMIT_LENGTH}
 * characters.
 *
 * @example
 * detectCommit({ GITHUB_SHA: '3F2A9C1D…' }, '/repo') // '3f2a9c1d…'
 * detectCommit({ SHARDWISE_COMMIT: ' build-1234 ' }, '/repo') // 'build-1234'
 */
export function detectCommit(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): string | undefined {
  for (const name of COMMIT_ENV) {
    const value = env[name]?.trim();
    if (value) return commitId(value);
  }
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
      windowsHide: true,
    }).trim();
    return COMMIT.test(head) ? commitId(head) : undefined;
  } catch {
    // Not a checkout, or no git: runs are then compared by file content alone.
    return undefined;
  }
}

/** A commit id as reports keep it: hexadecimal lower-cased, cut to {@link MAX_COMMIT_LENGTH}. */
function commitId(value: string): string {
  return (COMMIT.test(value) ? value.toLowerCase() : value).slice(0, MAX_COMMIT_LENGTH);
}

/** How many hex digits of the SHA-256 a file hash keeps: 48 bits tell a file's versions apart. */
const HASH_DIGITS = 12;

/**
 * A short hash of a test file's content (SHA-256, 12 hex digits), or `undefined` when it cannot be read
 * (a virtual module, a file deleted during the run).
 */
export function hashTestFile(file: string): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, HASH_DIGITS);
  } catch {
    return undefined;
  }
}
