/**
 * Which CI run a job belongs to, from the flags and the environment: the run id names the queue (one
 * prefix of keys per run), the attempt tells a re-run of a failed job (the same run id, a later attempt)
 * from the first run, so the re-run replays the job's ledger instead of claiming new work.
 */
import { ShardwiseError } from '../base/errors.js';

/** A run's identity as the queue sees it. */
export interface QueueRun {
  /** The same for every job of one CI run and for its re-runs; part of every key. */
  runId: string;
  /** 1 for a first run; the CI's attempt number for a re-run (GitHub Actions says it; others: 1). */
  attempt: number;
  /** Where the run id came from, for one line of output (`GITHUB_RUN_ID`, `--run-id`). */
  source: string;
}

/**
 * The CI variables that name a run, in the order they are tried. Each holds an id shared by every
 * parallel job of one pipeline run and kept by a re-run of one of its jobs.
 */
const PROVIDERS: readonly { name: string; id: string; attempt?: string }[] = [
  { name: 'GitHub Actions', id: 'GITHUB_RUN_ID', attempt: 'GITHUB_RUN_ATTEMPT' },
  { name: 'GitLab CI', id: 'CI_PIPELINE_ID' },
  { name: 'Buildkite', id: 'BUILDKITE_BUILD_ID', attempt: 'BUILDKITE_RETRY_COUNT' },
  { name: 'CircleCI', id: 'CIRCLE_WORKFLOW_ID' },
];

/** What a run id may hold: it becomes part of Redis keys and of file names. */
const RUN_ID = /^[\w.:-]{1,128}$/;

/**
 * The run of this job: `--run-id` beats `SHARDWISE_RUN_ID`, which beats the CI's own variables. No run id
 * at all is an input error: two pipelines must never share a queue by accident.
 *
 * @example
 * queueRunOf(undefined, { GITHUB_RUN_ID: '42', GITHUB_RUN_ATTEMPT: '2' }); // { runId: 'github-42', attempt: 2, … }
 */
export function queueRunOf(flag: string | undefined, env: NodeJS.ProcessEnv): QueueRun {
  const attemptOf = (name: string | undefined, base: number): number => {
    const raw = name === undefined ? undefined : env[name];
    if (raw === undefined || raw === '') return 1;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) {
      throw new ShardwiseError('INVALID_OPTION', `${name}="${raw}": expected a whole number (the attempt)`);
    }
    return n + base;
  };
  const given = flag ?? env['SHARDWISE_RUN_ID'];
  if (given !== undefined && given !== '') {
    const source = flag === undefined ? 'SHARDWISE_RUN_ID' : '--run-id';
    if (!RUN_ID.test(given)) {
      throw new ShardwiseError(
        'INVALID_OPTION',
        `${source}="${given}": expected 1 to 128 letters, digits, "_", ".", ":" or "-" (e.g. the CI's run number)`,
      );
    }
    return { runId: given, attempt: attemptOf('SHARDWISE_RUN_ATTEMPT', 0), source };
  }
  for (const p of PROVIDERS) {
    const id = env[p.id];
    if (id === undefined || id === '') continue;
    if (!RUN_ID.test(id)) {
      throw new ShardwiseError(
        'INVALID_OPTION',
        `${p.id}="${id}": not a run id shardwise can use; pass --run-id`,
      );
    }
    // Buildkite counts retries from 0; GitHub counts attempts from 1.
    const attempt = attemptOf(p.attempt, p.attempt === 'BUILDKITE_RETRY_COUNT' ? 1 : 0);
    return { runId: `${p.name.split(' ')[0]!.toLowerCase()}-${id}`, attempt, source: p.id };
  }
  throw new ShardwiseError(
    'INVALID_OPTION',
    'queue mode needs a run id shared by the jobs of one CI run: none of GITHUB_RUN_ID, CI_PIPELINE_ID, BUILDKITE_BUILD_ID, CIRCLE_WORKFLOW_ID is set; pass --run-id ID or set SHARDWISE_RUN_ID',
  );
}
