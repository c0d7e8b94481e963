import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectCommit, MAX_COMMIT_LENGTH } from '../src/io/code-identity.js';

describe('detectCommit: any non-empty id a CI variable names is kept', () => {
  // Outside a git checkout, so that no row falls back to `git rev-parse HEAD`.
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shardwise-commit-'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['a full hex id, lower-cased', { GITHUB_SHA: '3F2A9C1D' + 'a'.repeat(32) }, '3f2a9c1d' + 'a'.repeat(32)],
    ['an id that is not hex (a build number)', { SHARDWISE_COMMIT: 'build-1234' }, 'build-1234'],
    ['a non-hex id keeps its case', { SHARDWISE_COMMIT: 'Release-2026.12' }, 'Release-2026.12'],
    ['trimmed', { SHARDWISE_COMMIT: '  build-1234\n' }, 'build-1234'],
    ['a short id', { CI_COMMIT_SHA: '42' }, '42'],
    ['SHARDWISE_COMMIT before GITHUB_SHA', { SHARDWISE_COMMIT: 'pr-head', GITHUB_SHA: 'abcdef1' }, 'pr-head'],
    ['a blank variable is skipped', { SHARDWISE_COMMIT: '   ', GITHUB_SHA: 'abcdef1' }, 'abcdef1'],
    [
      `an id longer than ${MAX_COMMIT_LENGTH} characters is cut to ${MAX_COMMIT_LENGTH}`,
      { SHARDWISE_COMMIT: 'x'.repeat(MAX_COMMIT_LENGTH + 50) },
      'x'.repeat(MAX_COMMIT_LENGTH),
    ],
    ['no variable and no checkout: unknown', {}, undefined],
  ])('%s', (_name, env, expected) => {
    expect(detectCommit(env, dir)).toBe(expected);
  });
});
