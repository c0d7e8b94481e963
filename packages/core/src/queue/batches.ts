/**
 * The pure rules of the queue: the order the units are seeded in, and how big a batch a job claims.
 */
import { compareCodeUnits } from '../base/paths.js';

/** A unit to seed, with the time the store predicts for it. */
export interface SeedUnit {
  unit: string;
  ms: number;
}

/**
 * The seed's order: longest first, so the long units start early and the end of the queue holds short
 * ones that fill the gaps; ties by code units, so every job computes the same order.
 */
export function seedOrder(units: readonly SeedUnit[]): string[] {
  return [...units].sort((a, b) => b.ms - a.ms || compareCodeUnits(a.unit, b.unit)).map((u) => u.unit);
}

/** What {@link batchSize} decides from. */
export interface BatchInput {
  /** Units left in the queue (not counting the ones being run). */
  remaining: number;
  /** Jobs pulling from the queue. */
  jobs: number;
  /** What one batch costs before its first unit (a command's start-up), ms; 0 when a process runs every batch. */
  startupMs: number;
  /** The mean predicted time of a unit, ms. */
  unitMs: number;
  /** The smallest useful batch (a runner's workers: fewer units would leave workers idle). @default 1 */
  minimum?: number;
}

/**
 * How many units a job claims next. Two pulls: a batch long enough that its start-up is at most a quarter
 * of it (`4 × startupMs / unitMs` units), and a share of what is left small enough that the end of the
 * queue is spread over every job (`remaining / (2 × jobs)`, which shrinks to 1 toward the end). The batch
 * is the smaller of the two, at least `minimum` and at most what is left.
 *
 * @example
 * batchSize({ remaining: 400, jobs: 4, startupMs: 2000, unitMs: 500 }); // 16: start-up ≤ 25%
 * batchSize({ remaining: 6, jobs: 4, startupMs: 2000, unitMs: 500 });   // 1: the tail is shared
 */
export function batchSize(input: BatchInput): number {
  const { remaining, jobs, startupMs, unitMs } = input;
  if (remaining <= 0) return 0;
  const amortized = startupMs > 0 && unitMs > 0 ? Math.ceil((4 * startupMs) / unitMs) : 1;
  const share = Math.ceil(remaining / (2 * Math.max(1, jobs)));
  const size = Math.max(Math.min(amortized, share), input.minimum ?? 1, 1);
  return Math.min(size, remaining);
}
