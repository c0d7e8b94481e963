import { ShardwiseError } from './errors.js';

/**
 * How a file with no recorded duration is estimated, from the known durations of the files being planned.
 * - `'mean'` (default): the rounded mean; pytest-split, split_tests and cypress-split do the same.
 * - `'median'`: the lower median; less pulled by a few giant integration files.
 * - `'p90'`: the 90th percentile; pessimistic, so new files crowd a shard less.
 * - `{ fixedMs }`: a constant.
 * With no known durations at all, every estimator gives {@link DEFAULT_UNKNOWN_MS}.
 */
export type Estimator = 'mean' | 'median' | 'p90' | { fixedMs: number };

/** The estimate when nothing is known: one second per file. */
export const DEFAULT_UNKNOWN_MS = 1000;

/** A stable text name for an estimator; it is part of the plan fingerprint. */
export function estimatorName(estimator: Estimator): string {
  return typeof estimator === 'string' ? estimator : `fixed:${estimator.fixedMs}`;
}

/** Parses an estimator from text (`mean`, `median`, `p90`, or a number of milliseconds). */
export function parseEstimator(text: string, source = '--estimator'): Estimator {
  if (text === 'mean' || text === 'median' || text === 'p90') return text;
  if (/^\d+$/.test(text)) return { fixedMs: Number(text) };
  throw new ShardwiseError(
    'INVALID_OPTION',
    `${source}: expected mean, median, p90 or a whole number of milliseconds, got "${text}"`,
  );
}

/**
 * The estimate for unknown files. `known` must hold integer milliseconds; the result is an integer, so
 * every machine computes the same value.
 */
export function estimateUnknownMs(known: ArrayLike<number>, estimator: Estimator = 'mean'): number {
  if (typeof estimator === 'object') {
    if (!Number.isSafeInteger(estimator.fixedMs) || estimator.fixedMs < 0) {
      throw new ShardwiseError(
        'INVALID_OPTION',
        `estimator.fixedMs: expected a non-negative integer, got ${estimator.fixedMs}`,
      );
    }
    return estimator.fixedMs;
  }
  const n = known.length;
  if (n === 0) return DEFAULT_UNKNOWN_MS;
  if (estimator === 'mean') {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += known[i]!;
    return Math.round(sum / n);
  }
  const sorted = Float64Array.from(known).sort();
  const q = estimator === 'median' ? 0.5 : 0.9;
  return sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]!;
}
