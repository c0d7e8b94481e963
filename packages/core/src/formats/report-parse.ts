import { ShardwiseError } from '../base/errors.js';
import { describeIssue, loadZod, parseJson } from '../base/json-text.js';
import { MAX_DURATION_MS, REPORT_FORMAT, type RunReport } from './report.js';
import { rejectNewerVersion, timingSchemas } from './store.js';

// Built on first use, so that importing the core does not load zod (see loadZod).
let schema: ReturnType<typeof buildReportSchema> | undefined;
function buildReportSchema() {
  const { z } = loadZod();
  const testTimingSchema = timingSchemas().testTiming;
  const nonNegativeInt = z.number().int().min(0, 'expected a non-negative integer');
  return z.looseObject({
    format: z.literal(REPORT_FORMAT, `expected "${REPORT_FORMAT}"`),
    version: z.literal(1, 'expected 1'),
    runner: z.string(),
    createdAt: z.string().optional(),
    shard: z.object({ index: z.number().int().min(1), count: z.number().int().min(1) }).optional(),
    commit: z.string().optional(),
    plan: z
      .object({
        fingerprint: z.string(),
        shardCount: z.number().int().min(1),
        shards: z.array(z.array(z.string())),
        partial: z.boolean().optional(),
        selection: z
          .looseObject({
            ref: z.string(),
            by: z.string(),
            changed: z.number().int().min(0),
            leftOut: z.number().int().min(0),
            full: z.looseObject({ file: z.string(), why: z.string() }).optional(),
          })
          .optional(),
        estimatedMs: z.array(z.number().min(0)).optional(),
        wallMs: z.array(z.number().min(0)).optional(),
        spreadMs: z.array(z.number().min(0)).optional(),
        lowerBoundMs: z.number().min(0).optional(),
        wall: z
          .looseObject({
            startupMs: z.number().min(0),
            workerStartupMs: z.number().min(0),
            workers: z.number().int().min(1),
          })
          .optional(),
        pieces: z
          .array(
            z.looseObject({
              shard: z.number().int().min(1),
              file: z.string().min(1),
              piece: z.number().int().min(1),
              of: z.number().int().min(2),
              tests: z.array(z.string()),
            }),
          )
          .optional(),
      })
      .optional(),
    job: z
      .looseObject({
        wallMs: nonNegativeInt.max(MAX_DURATION_MS, `expected at most ${MAX_DURATION_MS} ms (7 days)`),
        workers: z.number().int().min(1),
        startedAt: z.string().optional(),
      })
      .optional(),
    filter: z.string().optional(),
    queue: queueRecordSchema(z, nonNegativeInt).optional(),
    files: z.array(
      z.looseObject({
        file: z.string().min(1),
        durationMs: nonNegativeInt.max(MAX_DURATION_MS, `expected at most ${MAX_DURATION_MS} ms (7 days)`),
        status: z.enum(['passed', 'failed', 'skipped', 'interrupted']),
        unfinished: z.enum(['crashed', 'cancelled']).optional(),
        tests: z.array(testTimingSchema.extend(reportedTestFields(z))).optional(),
        hash: z.string().optional(),
        setupMs: nonNegativeInt.optional(),
        environmentMs: nonNegativeInt.optional(),
        worker: z.number().int().min(1).optional(),
        startMs: nonNegativeInt.optional(),
        endMs: nonNegativeInt.optional(),
        piece: z.number().int().min(1).optional(),
        of: z.number().int().min(2).optional(),
        otherTests: z.array(z.string()).optional(),
        filtered: z.boolean().optional(),
      }),
    ),
  });
}

/** Parses and validates report text; `source` names the file in errors. */
export function parseReport(text: string, source = 'report'): RunReport {
  const parsed = parseJson(text);
  if (!parsed.ok) {
    throw new ShardwiseError('REPORT_SYNTAX', `${source}: invalid JSON at ${parsed.error}`, { file: source });
  }
  const value = parsed.value as { format?: unknown; version?: unknown } | null;
  if (value !== null && typeof value === 'object' && value.format === REPORT_FORMAT) {
    rejectNewerVersion(value.version, 1, source, 'REPORT_SCHEMA');
  }
  const result = (schema ??= buildReportSchema()).safeParse(parsed.value);
  if (!result.success) {
    throw new ShardwiseError(
      'REPORT_SCHEMA',
      `${source}: not a shardwise report (${describeIssue(result.error, parsed.value)})`,
      { file: source, hint: { kind: 'report' } },
    );
  }
  return result.data;
}

/** A queue job's record (`RunReport.queue`). */
function queueRecordSchema(
  z: ReturnType<typeof loadZod>['z'],
  nonNegativeInt: ReturnType<ReturnType<typeof loadZod>['z']['number']>,
) {
  const units = z.array(z.string().min(1));
  return z.looseObject({
    runId: z.string().min(1),
    attempt: z.number().int().min(1),
    job: z.number().int().min(1),
    jobs: z.number().int().min(1),
    fingerprint: z.string(),
    units,
    acked: units,
    finishing: units.optional(),
    ackedElsewhere: z.array(z.object({ unit: z.string(), job: z.string() })).optional(),
    failed: units.optional(),
    batches: z.array(
      z.looseObject({
        units,
        startMs: nonNegativeInt,
        endMs: nonNegativeInt,
        exitCode: z.number().int().optional(),
      }),
    ),
    waitMs: nonNegativeInt,
    replayed: z.boolean().optional(),
  });
}

/** What a report adds to a store's test entry: its attempts in the run and whether it passed on a retry. */
function reportedTestFields(z: ReturnType<typeof loadZod>['z']) {
  return {
    attempts: z.number().int().min(1, 'expected a positive integer').optional(),
    flaky: z.boolean().optional(),
  };
}
