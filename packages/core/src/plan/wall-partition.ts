// @internal: not exported from the package entry (index.ts); its shape may change in any release.
/**
 * Balancing predicted walls when a shard runs its files on several workers: a shard's wall is not its sum,
 * so the plan that balances sums can leave two big files on one shard's two workers idle-free while another
 * shard serializes its tail. Files are positions in the global order (longest first), as in the partitioner.
 */
import { predictShardMs } from '../model/judge.js';
import type { WallModel } from '../formats/records.js';

/** An assignment of positions to shards and each shard's predicted wall. */
export interface WallAssignment {
  where: Int32Array;
  walls: Float64Array;
  makespan: number;
}

/** Moves tried per improvement round at most, times the number of files: bounds the search on big inputs. */
const MOVE_BUDGET = 2_000_000;

/**
 * The best of several starts under the wall model, then moves off the slowest shard: the plan that
 * balances sums (`sumWhere`), LPT on the model's workers (each file to the worker that frees first), a
 * greedy that puts each file where the shard's predicted wall grows least, and the `others` given (plain
 * LPT on sums, the runners' own count splits: the splits `shard plan --compare` shows). Never worse than
 * any of them on the same model (each is a start, and moves only lower the makespan), deterministic (fixed
 * order, the earliest start on every tie).
 */
export function balanceWalls(
  t: Float64Array,
  k: number,
  model: WallModel,
  sumWhere: Int32Array,
  others: readonly Int32Array[] = [],
): WallAssignment {
  const candidates = [
    evaluate(t, k, model, sumWhere),
    lptOnWorkers(t, k, model),
    leastGrowth(t, k, model),
    ...others.map((where) => evaluate(t, k, model, where)),
  ];
  let best = candidates[0]!;
  for (const c of candidates) if (c.makespan < best.makespan) best = c;
  return improve(t, k, model, best);
}

/** Each shard's wall for an assignment. */
export function evaluate(t: Float64Array, k: number, model: WallModel, where: Int32Array): WallAssignment {
  const members = membersOf(where, k);
  const walls = new Float64Array(k);
  let makespan = 0;
  for (let s = 0; s < k; s++) {
    walls[s] = wallOf(t, members[s]!, model);
    if (walls[s]! > makespan) makespan = walls[s]!;
  }
  return { where, walls, makespan };
}

function wallOf(t: Float64Array, positions: readonly number[], model: WallModel): number {
  // Positions ascending are durations longest first.
  const durations = new Float64Array(positions.length);
  for (let i = 0; i < positions.length; i++) durations[i] = t[positions[i]!]!;
  return predictShardMs(durations, model);
}

/** Positions by shard, ascending (longest first). */
function membersOf(where: Int32Array, k: number): number[][] {
  const members: number[][] = Array.from({ length: k }, () => []);
  for (let pos = 0; pos < where.length; pos++) members[where[pos]!]!.push(pos);
  return members;
}

/**
 * LPT over all `k · workers` workers: each file, longest first, to the worker that frees first; ties go to
 * the shard with the lower wall so far, then the lower index. Files reach each shard longest first, so a
 * shard's own workers run them exactly as placed.
 */
function lptOnWorkers(t: Float64Array, k: number, model: WallModel): WallAssignment {
  return greedy(t, k, model, (free) => free);
}

/** Each file to the shard whose wall grows least (ties: earliest free worker, then lower index). */
function leastGrowth(t: Float64Array, k: number, model: WallModel): WallAssignment {
  return greedy(t, k, model, (free, wall, d) => Math.max(wall, model.startupMs + free + d));
}

function greedy(
  t: Float64Array,
  k: number,
  model: WallModel,
  score: (free: number, wall: number, d: number) => number,
): WallAssignment {
  const w = model.workers;
  // Each file costs its time and a gap; a worker's first file gets its gap back (see scheduleFinishMs).
  const gap = model.fileGapMs ?? 0;
  const free = new Float64Array(k * w).fill(model.workerStartupMs - gap);
  const walls = new Float64Array(k);
  const where = new Int32Array(t.length);
  for (let pos = 0; pos < t.length; pos++) {
    const d = t[pos]! + gap;
    let bestShard = 0;
    let bestWorker = 0;
    let bestScore = Infinity;
    let bestFree = Infinity;
    let bestWall = Infinity;
    for (let s = 0; s < k; s++) {
      let x = s * w;
      for (let y = x + 1; y < x + w; y++) if (free[y]! < free[x]!) x = y;
      const sc = score(free[x]!, walls[s]!, d);
      if (
        sc < bestScore ||
        (sc === bestScore && (free[x]! < bestFree || (free[x] === bestFree && walls[s]! < bestWall)))
      ) {
        bestScore = sc;
        bestFree = free[x]!;
        bestWall = walls[s]!;
        bestShard = s;
        bestWorker = x;
      }
    }
    where[pos] = bestShard;
    free[bestWorker]! += d;
    walls[bestShard] = Math.max(walls[bestShard]!, model.startupMs + free[bestWorker]!);
  }
  return evaluate(t, k, model, where);
}

/**
 * Moves files off the slowest shard while that lowers the makespan: each of its files, shortest first, to
 * the first other shard (lowest wall first) where both new walls end below the current makespan.
 */
function improve(t: Float64Array, k: number, model: WallModel, start: WallAssignment): WallAssignment {
  const where = Int32Array.from(start.where);
  const walls = Float64Array.from(start.walls);
  const members = membersOf(where, k);
  let budget = MOVE_BUDGET;
  for (;;) {
    let c = 0;
    for (let s = 1; s < k; s++) if (walls[s]! > walls[c]!) c = s;
    const L = walls[c]!;
    const others = [...Array(k).keys()].filter((s) => s !== c).sort((a, b) => walls[a]! - walls[b]! || a - b);
    let moved = false;
    const cm = members[c]!;
    for (let i = cm.length - 1; i >= 0 && !moved && budget > 0; i--) {
      const pos = cm[i]!;
      const without = cm.filter((p) => p !== pos);
      const wallWithout = wallOf(t, without, model);
      if (wallWithout >= L) continue;
      for (const x of others) {
        const xm = members[x]!;
        budget -= xm.length + cm.length;
        if (walls[x]! >= L) continue;
        const withFile = insertSorted(xm, pos);
        const wallWith = wallOf(t, withFile, model);
        if (wallWith < L) {
          members[c] = without;
          members[x] = withFile;
          walls[c] = wallWithout;
          walls[x] = wallWith;
          where[pos] = x;
          moved = true;
          break;
        }
        if (budget <= 0) break;
      }
    }
    if (!moved) break;
  }
  let makespan = 0;
  for (let s = 0; s < k; s++) makespan = Math.max(makespan, walls[s]!);
  return { where, walls, makespan };
}

function insertSorted(list: readonly number[], pos: number): number[] {
  const out = [...list];
  let i = out.length;
  while (i > 0 && out[i - 1]! > pos) i--;
  out.splice(i, 0, pos);
  return out;
}
