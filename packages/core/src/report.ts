import { z } from 'zod';
import { ShardwiseError } from './errors.js';
import { describeIssue, parseJson } from './json-text.js';
import type { ShardSpec } from './shard-spec.js';
import { testTimingSchema, type TestTiming } from './store.js';

/** The marker in every report file, so `shard merge` can tell its input from other JSON. */
export const REPORT_FORMAT = 'shardwise-report';

/**
 * How one file's run ended. `interrupted`: the run was cancelled or the worker crashed before the file
 * finished; its time says nothing about the file.
 */
export type FileStatus = 'passed' | 'failed' | 'skipped' | 'interrupted';

export interface ReportedFile {
  /** Unit key: POSIX path relative to the root, prefixed `project|` for a named project of several. */
  file: string;
  /** Wall time of the file, setup included, integer ms. */
  durationMs: number;
  status: FileStatus;
  tests?: TestTiming[];
}

/** The plan a shard ran under: enough to name the files of a shard whose report never arrived. */
export interface ReportPlan {
  fingerprint: string;
  shardCount: number;
  /** Files of every shard, by shard (index 0 is shard 1). */
  shards: string[][];
  /**
   * True when the runner planned only part of the suite (path filters, `--changed`, `-o`): such a plan
   * proves nothing about the files it left out, so merge does not prune by it.
   */
  partial?: boolean;
}

/**
 * What a runner plugin writes at the end of a run (one per shard), and what imports produce: the input of
 * {@link mergeReports} and {@link checkCoverage}.
 */
export interface RunReport {
  format: typeof REPORT_FORMAT;
  version: 1;
  /** `jest`, `vitest`, `junit`, `jest-json`, `vitest-json`. */
  runner: string;
  /** When the run ended (ISO 8601). Orders runs when several are merged at once. */
  createdAt?: string;
  /** The shard this run was; absent for an unsharded run or an import. */
  shard?: ShardSpec;
  plan?: ReportPlan;
  files: ReportedFile[];
}

const nonNegativeInt = z.number().int().min(0, 'expected a non-negative integer');
const reportSchema = z.looseObject({
  format: z.literal(REPORT_FORMAT, `expected "${REPORT_FORMAT}"`),
  version: z.literal(1, 'expected 1'),
  runner: z.string(),
  createdAt: z.string().optional(),
  shard: z.object({ index: z.number().int().min(1), count: z.number().int().min(1) }).optional(),
  plan: z
    .object({
      fingerprint: z.string(),
      shardCount: z.number().int().min(1),
      shards: z.array(z.array(z.string())),
      partial: z.boolean().optional(),
    })
    .optional(),
  files: z.array(
    z.looseObject({
      file: z.string().min(1),
      durationMs: nonNegativeInt,
      status: z.enum(['passed', 'failed', 'skipped', 'interrupted']),
      tests: z.array(testTimingSchema).optional(),
    }),
  ),
});

/** Parses and validates report text; `source` names the file in errors. */
export function parseReport(text: string, source = 'report'): RunReport {
  const parsed = parseJson(text);
  if (!parsed.ok) throw new ShardwiseError('REPORT_SYNTAX', `${source}: invalid JSON at ${parsed.error}`);
  const result = reportSchema.safeParse(parsed.value);
  if (!result.success) {
    throw new ShardwiseError(
      'REPORT_SCHEMA',
      `${source}: not a shardwise report (${describeIssue(result.error, parsed.value)}); pass the files the shardwise plugins write, or use \`shard import\` for JUnit or runner JSON`,
    );
  }
  return result.data as RunReport;
}

/** Serializes a report (compact: reports are machine-to-machine). */
export function serializeReport(report: RunReport): string {
  return JSON.stringify(report) + '\n';
}

/**
 * The file name of a shard's report: distinct per runner, shard and plan, so shards writing into one
 * directory (or artifacts downloaded into one) never overwrite each other.
 */
export function reportFileName(
  runner: string,
  shard: ShardSpec | undefined,
  fingerprint: string | undefined,
): string {
  const which = shard ? `shard-${shard.index}-of-${shard.count}` : 'full';
  return `${runner}-${which}${fingerprint ? `-${fingerprint.slice(0, 8)}` : ''}.json`;
}
