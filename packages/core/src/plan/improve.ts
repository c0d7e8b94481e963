// @internal: not exported from the package entry (index.ts); its shape may change in any release.
import { seededRandom } from '../base/rng.js';
import type { Schedule } from './schedule.js';

/**
 * Work budgets. They count operations (binary searches, search-tree nodes, kicks), never wall-clock time:
 * a time budget would let a fast CI machine compute a different plan from a slow one.
 */
export interface Budget {
  left: number;
}

/** Shards holding more files than this between them are never re-split exactly. */
const PAIR_LIMIT = 28;
/** Search-tree nodes for one exact re-split of a pair of shards. */
const PAIR_NODES = 20_000;

/**
 * Descends from the current plan with moves and swaps between the slowest shard and the others, then exact
 * re-splits of shard pairs, until the makespan reaches `lb`, no step improves, or the budget runs out.
 * Every accepted step lowers (makespan, number of shards at the makespan) lexicographically, so it ends.
 */
export function localSearch(s: Schedule, lb: number, budget: Budget): void {
  while (budget.left > 0) {
    const crit = s.critical();
    if (crit.load <= lb) return;
    if (!improveCritical(s, crit.shard, crit.load, budget)) return;
  }
}

function improveCritical(s: Schedule, c: number, L: number, budget: Budget): boolean {
  const { t, load, members } = s;
  const cm = members[c]!;
  // 1. The best single move from the critical shard, over all other shards.
  let bestScore = L;
  let bestPos = -1;
  let bestTo = -1;
  for (let x = 0; x < s.k; x++) {
    if (x === c) continue;
    budget.left--;
    const gap = L - load[x]!;
    if (gap <= 0) continue;
    const i = firstAtMost(cm, t, gap / 2);
    for (let j = i - 1; j <= i; j++) {
      if (j < 0 || j >= cm.length) continue;
      const tf = t[cm[j]!]!;
      if (tf <= 0 || tf >= gap) continue;
      const score = Math.max(L - tf, load[x]! + tf);
      if (score < bestScore) {
        bestScore = score;
        bestPos = cm[j]!;
        bestTo = x;
      }
    }
  }
  if (bestPos >= 0) {
    s.move(bestPos, bestTo);
    return true;
  }

  // Shards from the lightest up: the first that admits an improving swap wins.
  const order = shardsByLoad(s, c);
  // 2. Swaps: a longer file of the critical shard for a shorter one elsewhere.
  for (const x of order) {
    const gap = L - load[x]!;
    const xm = members[x]!;
    if (gap <= 0 || xm.length === 0) continue;
    let bestF = -1;
    let bestG = -1;
    let swapScore = L;
    let previous = -1;
    // No swap with x scores below (L + load)/2, nor below its ceiling when durations are whole ms. A later
    // pair replaces the best only with a strictly lower score, so once a pair reaches that floor the rest
    // of the scan cannot change the choice: stop there (same result, a fraction of the work).
    const floor = s.integral ? Math.ceil((L + load[x]!) / 2) : (L + load[x]!) / 2;
    // The best partner of f is the file of x closest to tf − gap/2. Both lists are longest first, so that
    // target only falls as f advances: one pointer walks x's list once (a merge, not a search per file).
    let j = 0;
    for (let i = 0; i < cm.length; i++) {
      const f = cm[i]!;
      const tf = t[f]!;
      if (tf === previous) continue; // same duration, same outcome
      previous = tf;
      budget.left--;
      const target = tf - gap / 2;
      while (j < xm.length && t[xm[j]!]! > target) j++;
      for (let g = j - 1; g <= j; g++) {
        if (g < 0 || g >= xm.length) continue;
        const d = tf - t[xm[g]!]!;
        if (d <= 0 || d >= gap) continue;
        const score = Math.max(L - d, load[x]! + d);
        if (score < swapScore) {
          swapScore = score;
          bestF = f;
          bestG = xm[g]!;
        }
      }
      if (swapScore <= floor) {
        // The budget is charged as for the whole scan, so that a plan never depends on this shortcut.
        for (let r = i + 1; r < cm.length; r++) {
          if (t[cm[r]!] !== previous) {
            previous = t[cm[r]!]!;
            budget.left--;
          }
        }
        break;
      }
    }
    if (bestF >= 0) {
      s.move(bestF, x);
      s.move(bestG, c);
      return true;
    }
    if (budget.left <= 0) return false;
  }
  // 3. Exact re-split of the critical shard with another, when the two hold few files.
  for (const x of order) {
    if (cm.length + members[x]!.length > PAIR_LIMIT) continue;
    if (resplitPair(s, c, x, L, budget)) return true;
    if (budget.left <= 0) return false;
  }
  return false;
}

/** Other shards ordered by load ascending, then index. */
function shardsByLoad(s: Schedule, except: number): number[] {
  const order: number[] = [];
  for (let x = 0; x < s.k; x++) if (x !== except) order.push(x);
  return order.sort((a, b) => s.load[a]! - s.load[b]! || a - b);
}

/** First index in a longest-first member list whose duration is ≤ `value` (list length if none). */
function firstAtMost(list: readonly number[], t: Float64Array, value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[list[mid]!]! > value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Splits the files of shards `a` and `b` between them as evenly as possible (a depth-first search for the
 * largest subset sum not above half, with a node budget). Applies the split, keeping as many files in
 * place as it can, if the larger half ends below `L`.
 */
function resplitPair(s: Schedule, a: number, b: number, L: number, budget: Budget): boolean {
  const items = [...s.members[a]!, ...s.members[b]!].sort((x, y) => x - y);
  const m = items.length;
  const t = items.map((p) => s.t[p]!);
  const total = s.load[a]! + s.load[b]!;
  const half = Math.floor(total / 2);
  const suffix = new Float64Array(m + 1);
  for (let i = m - 1; i >= 0; i--) suffix[i] = suffix[i + 1]! + t[i]!;

  const take = new Uint8Array(m);
  let best = -1;
  let bestTake = take.slice();
  let nodes = PAIR_NODES;
  const dfs = (i: number, sum: number): void => {
    if (nodes-- <= 0 || best === half) return;
    if (sum > best) {
      best = sum;
      bestTake = take.slice();
    }
    if (i === m || sum + suffix[i]! <= best) return;
    if (sum + t[i]! <= half) {
      take[i] = 1;
      dfs(i + 1, sum + t[i]!);
      take[i] = 0;
    }
    dfs(i + 1, sum);
  };
  dfs(0, 0);
  budget.left -= PAIR_NODES - Math.max(nodes, 0);
  if (total - best >= L) return false;

  // Give the taken half to whichever shard already holds more of it.
  let keepIfA = 0;
  for (let i = 0; i < m; i++) if ((bestTake[i] === 1) === (s.where[items[i]!] === a)) keepIfA++;
  const takenTo = keepIfA * 2 >= m ? a : b;
  const otherTo = takenTo === a ? b : a;
  for (let i = 0; i < m; i++) {
    const want = bestTake[i] === 1 ? takenTo : otherTo;
    if (s.where[items[i]!] !== want) s.move(items[i]!, want);
  }
  return true;
}

/**
 * Iterated local search for the few-files regime, where a local optimum can sit a few percent above the
 * optimum: kick the plan with seeded random moves and swaps, descend again, keep the best. Deterministic
 * for a given seed; bounded by `kicks` and the shared work budget.
 */
export function iteratedLocalSearch(
  s: Schedule,
  lb: number,
  budget: Budget,
  seed: number,
  kicks: number,
): void {
  const random = seededRandom(seed);
  let best = s.where.slice();
  let bestScore = s.critical();
  for (let kick = 0; kick < kicks && budget.left > 0 && bestScore.load > lb; kick++) {
    const moves = 1 + random(2);
    for (let r = 0; r < moves; r++) {
      const crit = s.critical().shard;
      const a = random(2) === 0 ? crit : random(s.k);
      const am = s.members[a]!;
      if (am.length === 0) continue;
      const f = am[random(am.length)]!;
      const b = (a + 1 + random(s.k - 1)) % s.k;
      const bm = s.members[b]!;
      if (bm.length > 0 && random(2) === 0) {
        const g = bm[random(bm.length)]!;
        s.move(f, b);
        s.move(g, a);
      } else s.move(f, b);
    }
    localSearch(s, lb, budget);
    budget.left--;
    const score = s.critical();
    if (score.load < bestScore.load || (score.load === bestScore.load && score.count < bestScore.count)) {
      best = s.where.slice();
      bestScore = score;
    } else if (score.load > bestScore.load || score.count > bestScore.count) {
      s.restore(best);
    }
  }
  s.restore(best);
}
