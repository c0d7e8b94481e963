import type { CoverageResult } from './coverage.js';
import { DEFAULT_UNKNOWN_MS } from './estimate.js';
import type { RunReport } from './report-format.js';
import type { TimingStore } from './store.js';

/** Predicted against actual time of one shard of the reference plan. */
export interface ShardRow {
  index: number;
  /** Files the plan gave it. */
  planned: number;
  /** Files its reports list; null when it sent no report. */
  ran: number | null;
  /** Sum of the store's durations (before the merge) of its planned files; the mean for untimed ones. */
  predictedMs: number;
  /** Sum of the durations its reports list; null when it sent no report. */
  actualMs: number | null;
}

/**
 * One row per shard of the plan that coverage checked (`coverage.plan`): what was planned and predicted,
 * what ran and took. Empty when no report carried a plan.
 */
export function summarizeShards(
  coverage: CoverageResult,
  reports: readonly RunReport[],
  base: TimingStore | undefined,
): ShardRow[] {
  const plan = coverage.plan;
  if (!plan) return [];
  const own = reports.filter((r) => r.plan?.fingerprint === plan.fingerprint);
  const known = (file: string) => base?.files.get(file)?.durationMs;
  const knownValues = plan.shards
    .flat()
    .map(known)
    .filter((d): d is number => d !== undefined);
  const fallback =
    knownValues.length > 0
      ? Math.round(knownValues.reduce((a, b) => a + b, 0) / knownValues.length)
      : DEFAULT_UNKNOWN_MS;
  return plan.shards.map((files, i) => {
    const mine = own.filter((r) => (r.shard?.index ?? 1) === i + 1);
    const ran = mine.length === 0 ? null : mine.reduce((n, r) => n + r.files.length, 0);
    return {
      index: i + 1,
      planned: files.length,
      ran,
      predictedMs: files.reduce((sum, f) => sum + (known(f) ?? fallback), 0),
      actualMs:
        mine.length === 0
          ? null
          : mine.reduce((sum, r) => sum + r.files.reduce((s, f) => s + f.durationMs, 0), 0),
    };
  });
}
