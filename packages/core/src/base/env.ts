import { SETTINGS_ENV } from './settings-table.js';

/**
 * Every environment variable shardwise reads, by what it means: the settings' (from the settings table),
 * then the ones a front end reads for itself. The variables of CI providers (their shard index, their
 * commit) are listed with the rule that reads them (`ci-env.ts`, `code-identity.ts`).
 */
export const ENV = {
  ...SETTINGS_ENV,
  /** `I/N`: the shard of `shard files` and `shard run`, over the CI's own variables. */
  shard: 'SHARDWISE_SHARD',
  /** When the job started (epoch ms), set by `shard run` for the runner it starts. */
  jobStart: 'SHARDWISE_JOB_START',
  /** `shardwise`, `shardwise*` or `*`: front ends print their internals. */
  debug: 'DEBUG',
  /** `true` on GitHub Actions: warnings and errors are annotations. */
  githubActions: 'GITHUB_ACTIONS',
  /** GitHub's job summary file, where `shard merge` appends its table. */
  stepSummary: 'GITHUB_STEP_SUMMARY',
} as const;
