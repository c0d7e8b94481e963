/**
 * `--shards auto`: the job count read off {@link sizeShards}'s table (each count's slowest predicted job
 * and its CI time, by the one wall model every plan is judged with), never from a formula of its own.
 */
import type { Sizing } from './sizing.js';

/** Why {@link chooseShardCount} chose its count, as data: each front end words it. */
export type ShardCountReason =
  /** The fewest jobs whose slowest one is within 10% of the best any count in the table can do. */
  | { kind: 'near-best'; bestMs: number }
  /** The fewest jobs whose slowest one finishes within the target. */
  | { kind: 'target'; targetMs: number }
  /** No count in the table reaches the target: the count with the best wall. */
  | { kind: 'target-missed'; targetMs: number; bestMs: number };

/** The count `--shards auto` runs, its predicted wall and CI time, and what one more job would change. */
export interface ShardCountChoice {
  count: number;
  /** The slowest job's predicted wall at this count. */
  wallMs: number;
  /** Every job's predicted wall, summed. */
  ciMs: number;
  reason: ShardCountReason;
  /** One more job: how much sooner the slowest job would finish, and the CI time it would add. */
  next: { savesMs: number; costsMs: number } | undefined;
  /** The table's last count (the `--max-shards` cap, or the count of files). */
  cap: number;
}

/**
 * Chooses the job count from a sizing table: with `targetMs`, the fewest jobs under it (or the best wall
 * when none is); else the table's own recommendation, the fewest within 10% of the best.
 *
 * @example
 * chooseShardCount(sizeShards(files, { durations, maxShards: 8, overheadMs: 9000, model })).count
 */
export function chooseShardCount(sizing: Sizing, options: { targetMs?: number } = {}): ShardCountChoice {
  const { rows } = sizing;
  let count = sizing.recommended;
  let reason: ShardCountReason = { kind: 'near-best', bestMs: sizing.bestMs };
  if (options.targetMs !== undefined) {
    const targetMs = options.targetMs;
    const under = rows.find((r) => r.wallMs <= targetMs);
    if (under) {
      count = under.shards;
      reason = { kind: 'target', targetMs };
    } else {
      count = rows.find((r) => r.wallMs === sizing.bestMs)!.shards;
      reason = { kind: 'target-missed', targetMs, bestMs: sizing.bestMs };
    }
  }
  const row = rows[count - 1]!;
  const after = rows[count];
  return {
    count,
    wallMs: row.wallMs,
    ciMs: row.ciMs,
    reason,
    next: after ? { savesMs: row.wallMs - after.wallMs, costsMs: after.ciMs - row.ciMs } : undefined,
    cap: rows.length,
  };
}
