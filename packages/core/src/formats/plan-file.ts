import { ShardwiseError } from '../base/errors.js';
import { describeIssue, loadZod, parseJson } from '../base/json-text.js';
import type { Plan, PlanWall } from './plan.js';
import { REPORT_FORMAT } from './report.js';

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
  /** Each shard's prediction's spread, ± ms, when the file recorded them. */
  spreadMs?: number[];
  /** The wall model the plan was made with and each shard's predicted wall, when it had one. */
  wall: { model: PlanWall; wallMs: number[] } | undefined;
  /** Pieces of split files by shard (index 0 is shard 1), when the plan splits files by test. */
  pieces?: PlanFilePiece[][];
}

/** A piece of a split file in a plan file (see `Piece`). */
export interface PlanFilePiece {
  file: string;
  piece: number;
  of: number;
  tests: string[];
}

/** The schemas, built on first use so that importing the core does not load zod (see loadZod). */
let schemas: ReturnType<typeof buildSchemas> | undefined;

function buildSchemas() {
  const z = loadZod();
  const files = z.array(z.string().min(1, 'expected a non-empty path'));
  const piece = z.looseObject({
    file: z.string().min(1, 'expected a non-empty path'),
    piece: z.number().int().min(1),
    of: z.number().int().min(2),
    tests: z.array(z.string()),
  });
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
          spreadMs: z.number().int().min(0).optional(),
          pieces: z.array(piece).optional(),
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
      pieces: z.array(piece.extend({ shard: z.number().int().min(1) })).optional(),
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
    const pieces = plan.pieces
      ? plan.shards.map((_, i) =>
          plan
            .pieces!.filter((p) => p.shard === i + 1)
            .map(({ file, piece, of, tests }) => ({ file, piece, of, tests })),
        )
      : undefined;
    if (pieces) checkPieces(plan.shards, pieces, source);
    return {
      fingerprint: plan.fingerprint,
      shardCount: plan.shardCount,
      shards: plan.shards,
      estimatedMs: undefined,
      wall: undefined,
      ...(pieces ? { pieces } : {}),
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
  const split = plan.shards.some((s) => s.pieces && s.pieces.length > 0);
  const pieces = split
    ? plan.shards.map((s) =>
        (s.pieces ?? []).map(({ file, piece, of, tests }) => ({ file, piece, of, tests })),
      )
    : undefined;
  if (pieces) {
    checkPieces(
      plan.shards.map((s) => s.files),
      pieces,
      source,
    );
  }
  return {
    fingerprint: plan.fingerprint,
    shardCount,
    shards: plan.shards.map((s) => s.files),
    estimatedMs: estimated.every((ms) => ms !== undefined) ? estimated : undefined,
    ...(plan.shards.some((s) => s.spreadMs !== undefined)
      ? { spreadMs: plan.shards.map((s) => s.spreadMs ?? 0) }
      : {}),
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
    ...(pieces ? { pieces } : {}),
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

/**
 * A split file's pieces are 1..of, each once, in different shards, and the file is not also listed whole:
 * anything else would run some of its tests twice or never.
 */
function checkPieces(
  shards: readonly (readonly string[])[],
  pieces: readonly (readonly PlanFilePiece[])[],
  source: string,
): void {
  const whole = new Set(shards.flat());
  const byFile = new Map<string, { of: number; seen: Set<number>; shards: Set<number> }>();
  const invalid = (why: string) =>
    new ShardwiseError('PLAN_INVALID', `${source}: ${why}`, { file: source, hint: { kind: 'plan' } });
  pieces.forEach((list, i) => {
    for (const p of list) {
      if (whole.has(p.file))
        throw invalid(`${JSON.stringify(p.file)} is listed whole and as pieces; a plan runs every test once`);
      const entry = byFile.get(p.file) ?? { of: p.of, seen: new Set(), shards: new Set() };
      if (entry.of !== p.of || p.piece > p.of || entry.seen.has(p.piece) || entry.shards.has(i)) {
        throw invalid(
          `the pieces of ${JSON.stringify(p.file)} are not 1 to ${entry.of}, once each, in different shards`,
        );
      }
      entry.seen.add(p.piece);
      entry.shards.add(i);
      byFile.set(p.file, entry);
    }
  });
  for (const [file, entry] of byFile) {
    if (entry.seen.size !== entry.of) {
      throw invalid(
        `${JSON.stringify(file)} has ${entry.seen.size} of its ${entry.of} pieces; a plan runs every test once`,
      );
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
  shards: (Pick<Plan['shards'][number], 'index' | 'estimatedMs' | 'wallMs' | 'spreadMs' | 'files'> & {
    /** The shard's pieces of split files (test-level splits), when it has any. */
    pieces?: { file: string; piece: number; of: number; tests: string[] }[];
  })[];
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
      ...(s.spreadMs === undefined ? {} : { spreadMs: s.spreadMs }),
      files: s.files,
      ...(s.pieces
        ? { pieces: s.pieces.map((p) => ({ file: p.file, piece: p.piece, of: p.of, tests: p.tests })) }
        : {}),
    })),
  };
}
