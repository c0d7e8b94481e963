import { ShardwiseError } from './errors.js';
import { describeIssue, loadZod, parseJson } from './json-text.js';
import type { Plan, PlanWall } from './plan.js';
import { REPORT_FORMAT } from './report-format.js';

/** The marker of a plan file written by `shard plan --out`. */
export const PLAN_FORMAT = 'shardwise-plan';

/**
 * A plan read from a file or given inline: the previous plan of the stability option, or a pinned plan.
 * One shape whatever it was read from (`shard plan --json`/`--out` output, or a shardwise report).
 */
export interface PlanFile {
  /** The plan's fingerprint; absent for a hand-written `{ shards: [{ files }] }`. */
  fingerprint: string | undefined;
  shardCount: number;
  /** Unit keys of every shard (index 0 is shard 1), in run order. */
  shards: string[][];
  /** Predicted ms per shard, when the file recorded them. */
  estimatedMs: number[] | undefined;
  /** The wall model the plan was made with and each shard's predicted wall, when it had one. */
  wall: { model: PlanWall; wallMs: number[] } | undefined;
}

/** The schemas, built on first use so that importing the core does not load zod (see loadZod). */
let schemas: ReturnType<typeof buildSchemas> | undefined;

function buildSchemas() {
  const z = loadZod();
  const files = z.array(z.string().min(1, 'expected a non-empty path'));
  const planShape = z.looseObject({
    format: z.literal(PLAN_FORMAT).optional(),
    fingerprint: z.string().min(1).optional(),
    shardCount: z.number().int().min(1).optional(),
    shards: z
      .array(
        z.looseObject({
          files,
          estimatedMs: z.number().int().min(0).optional(),
          wallMs: z.number().min(0).optional(),
        }),
      )
      .min(1, 'expected at least one shard'),
    wall: z
      .looseObject({
        startupMs: z.number().min(0),
        workerStartupMs: z.number().min(0),
        workers: z.number().int().min(1),
        makespanMs: z.number().min(0),
        lowerBoundMs: z.number().min(0),
      })
      .optional(),
  });
  const reportShape = z.looseObject({
    format: z.literal(REPORT_FORMAT),
    plan: z.looseObject({
      fingerprint: z.string().min(1),
      shardCount: z.number().int().min(1),
      shards: z.array(files),
    }),
  });
  return { planShape, reportShape };
}

/**
 * Validates a plan given as parsed JSON. `source` names it in errors (a file, an option).
 *
 * @example
 * parsePlan({ shards: [{ files: ['a.test.ts'] }, { files: ['b.test.ts'] }] }, 'plan.json').shardCount // 2
 */
export function parsePlan(value: unknown, source: string): PlanFile {
  const invalid = (why: string) =>
    new ShardwiseError('PLAN_INVALID', `${source}: not a plan (${why})`, {
      file: source,
      hint: { kind: 'plan' },
    });
  if (
    value !== null &&
    typeof value === 'object' &&
    (value as { format?: unknown }).format === REPORT_FORMAT
  ) {
    const report = (schemas ??= buildSchemas()).reportShape.safeParse(value);
    if (!report.success) {
      throw invalid(
        (value as { plan?: unknown }).plan === undefined
          ? 'a report of an unsharded run carries no plan'
          : describeIssue(report.error, value),
      );
    }
    const plan = report.data.plan;
    checkCount(plan.shardCount, plan.shards.length, source);
    checkUnique(plan.shards, source);
    return {
      fingerprint: plan.fingerprint,
      shardCount: plan.shardCount,
      shards: plan.shards,
      estimatedMs: undefined,
      wall: undefined,
    };
  }
  const result = (schemas ??= buildSchemas()).planShape.safeParse(value);
  if (!result.success) throw invalid(describeIssue(result.error, value));
  const plan = result.data;
  const shardCount = plan.shardCount ?? plan.shards.length;
  checkCount(shardCount, plan.shards.length, source);
  checkUnique(
    plan.shards.map((s) => s.files),
    source,
  );
  const estimated = plan.shards.map((s) => s.estimatedMs);
  const walls = plan.shards.map((s) => s.wallMs);
  const { startupMs, workerStartupMs, workers, makespanMs, lowerBoundMs } = plan.wall ?? {};
  return {
    fingerprint: plan.fingerprint,
    shardCount,
    shards: plan.shards.map((s) => s.files),
    estimatedMs: estimated.every((ms) => ms !== undefined) ? estimated : undefined,
    wall:
      plan.wall && walls.every((ms) => ms !== undefined)
        ? {
            model: {
              startupMs: startupMs!,
              workerStartupMs: workerStartupMs!,
              workers: workers!,
              makespanMs: makespanMs!,
              lowerBoundMs: lowerBoundMs!,
            },
            wallMs: walls,
          }
        : undefined,
  };
}

/** Parses plan text (a file's content); `source` names the file in errors. */
export function parsePlanText(text: string, source: string): PlanFile {
  const parsed = parseJson(text);
  if (!parsed.ok) {
    throw new ShardwiseError('PLAN_INVALID', `${source}: invalid JSON at ${parsed.error}`, {
      file: source,
      hint: { kind: 'plan' },
    });
  }
  return parsePlan(parsed.value, source);
}

/** A plan lists at most `shardCount` shards (the ones past the listed are empty: see `Plan.shards`). */
/** A file listed twice would run twice: a plan that does it was edited by hand or is corrupt. */
function checkUnique(shards: readonly (readonly string[])[], source: string): void {
  const seen = new Map<string, number>();
  for (let i = 0; i < shards.length; i++) {
    for (const file of shards[i]!) {
      const first = seen.get(file);
      if (first !== undefined) {
        throw new ShardwiseError(
          'PLAN_INVALID',
          `${source}: ${JSON.stringify(file)} is listed ${first === i + 1 ? 'twice in' : `in shard ${first} and in`} shard ${i + 1}; a plan runs every file once`,
          { file: source, hint: { kind: 'plan' } },
        );
      }
      seen.set(file, i + 1);
    }
  }
}

function checkCount(shardCount: number, listed: number, source: string): void {
  if (listed > shardCount) {
    throw new ShardwiseError(
      'PLAN_INVALID',
      `${source}: shardCount is ${shardCount} but ${listed} shards are listed`,
      { file: source, hint: { kind: 'plan' } },
    );
  }
}

/**
 * The pinned plan file that `shard plan --out` writes: the `--json` plan shape, marked, with what a job
 * needs to run its shard without re-planning.
 */
export function serializePlanFile(plan: Plan): string {
  return (
    JSON.stringify({
      format: PLAN_FORMAT,
      version: 1,
      ...planJson(plan),
      unknownEstimateMs: plan.unknownEstimateMs,
    }) + '\n'
  );
}

/** What `shard plan --json` prints. */
export type PlanJson = Pick<
  Plan,
  'shardCount' | 'fingerprint' | 'totalMs' | 'makespanMs' | 'lowerBoundMs' | 'unknownFiles' | 'wall'
> & {
  shards: Pick<Plan['shards'][number], 'index' | 'estimatedMs' | 'wallMs' | 'files'>[];
};

/** The `shard plan --json` shape: exactly these keys, in this order (scripts depend on it). */
export function planJson(plan: Plan): PlanJson {
  return {
    shardCount: plan.shardCount,
    fingerprint: plan.fingerprint,
    totalMs: plan.totalMs,
    makespanMs: plan.makespanMs,
    lowerBoundMs: plan.lowerBoundMs,
    unknownFiles: plan.unknownFiles,
    // The wall model's figures, after the keys that scripts of the first release read.
    ...(plan.wall ? { wall: plan.wall } : {}),
    shards: plan.shards.map((s) => ({
      index: s.index,
      estimatedMs: s.estimatedMs,
      ...(s.wallMs === undefined ? {} : { wallMs: s.wallMs }),
      files: s.files,
    })),
  };
}
