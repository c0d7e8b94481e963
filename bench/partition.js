// Quality, stability and exact-optimum helpers for the partition benchmark.
import { performance } from 'node:perf_hooks';
import { hashSplit, partition, planLpt } from '../packages/core/dist/public/index.js';
import { random } from './datasets.js';

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Wall time of `fn` over `runs` runs: median and all samples, in ms. */
export function timeRuns(fn, runs) {
  const samples = [];
  let result;
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    result = fn();
    samples.push(performance.now() - started);
  }
  return { median: median(samples), samples, result };
}

/**
 * Is there a plan with every shard at most `capacity`? A depth-first search over files, longest first,
 * trying shards fullest first and skipping shards of equal load (symmetry), pruned by the space that no
 * remaining file can use. Returns true, false, or undefined when `nodes` ran out (unknown).
 */
export function feasible(t, k, capacity, nodes = 3_000_000) {
  const n = t.length;
  if (n > 0 && t[0] > capacity) return false;
  const load = new Float64Array(k);
  const suffix = new Float64Array(n + 1);
  for (let i = n - 1; i >= 0; i--) suffix[i] = suffix[i + 1] + t[i];
  let left = nodes;
  const order = Array.from({ length: k }, (_, s) => s);
  const dfs = (i) => {
    if (i === n) return true;
    if (--left < 0) return undefined;
    // Space no remaining file can fill is wasted; what is left must hold the remaining files.
    const smallest = t[n - 1];
    let usable = 0;
    for (let s = 0; s < k; s++) {
      const free = capacity - load[s];
      if (free >= smallest) usable += free;
    }
    if (usable < suffix[i]) return false;
    const tried = new Set();
    const byLoad = order.slice().sort((a, b) => load[b] - load[a]);
    let unknown = false;
    for (const s of byLoad) {
      if (load[s] + t[i] > capacity || tried.has(load[s])) continue;
      tried.add(load[s]);
      load[s] += t[i];
      const r = dfs(i + 1);
      load[s] -= t[i];
      if (r === true) return true;
      if (r === undefined) {
        unknown = true;
        if (left < 0) return undefined;
      }
    }
    return unknown ? undefined : false;
  };
  return dfs(0);
}

/**
 * What the optimum allows in the few-files regime: whether a plan within `tolerance` of the lower bound
 * exists at all, and whether the plan found is proven optimal.
 */
export function exactCheck(durations, k, plan, tolerance) {
  const t = Float64Array.from(durations).sort().reverse();
  const target = Math.floor(plan.lowerBoundMs * (1 + tolerance));
  const withinTarget = plan.makespanMs <= target ? true : feasible(t, k, target);
  const optimal =
    plan.makespanMs === plan.lowerBoundMs ? true : feasible(t, k, plan.makespanMs - 1) === false;
  return { withinTarget, optimal };
}

/** One cell of the quality table: shardwise, plain LPT and the jest/vitest hash splits against LB. */
export function qualityCell(dataset, k, runs) {
  const { files, durations } = dataset;
  const durationOf = (f) => durations.get(f);
  const timed = timeRuns(() => partition(files, { shardCount: k, durations }), runs);
  const plan = timed.result;
  const lb = plan.lowerBoundMs;
  const lpt = planLpt(files, durationOf, k).makespanMs;
  const jest = hashSplit(files, durationOf, k, 'jest').makespanMs;
  const vitest = hashSplit(files, durationOf, k, 'vitest').makespanMs;
  const perShard = files.length / k;
  const cell = {
    dataset: dataset.name,
    n: files.length,
    k,
    perShard,
    ms: timed.median,
    lb,
    makespan: plan.makespanMs,
    shardwise: plan.makespanMs / lb,
    lpt: lpt / lb,
    jest: jest / lb,
    vitest: vitest / lb,
    largestSetsLb: lb === Math.max(...durations.values()),
    flags: [],
    note: '',
  };
  if (plan.makespanMs > lpt) cell.flags.push('WORSE THAN LPT');
  if (perShard >= 8) {
    if (plan.makespanMs !== lb) cell.flags.push('MISS: ≠ LB');
  } else if (cell.shardwise > 1.005) {
    const exact = exactCheck([...durations.values()], k, plan, 0.005);
    if (exact.withinTarget === true) cell.flags.push('MISS: a plan within 0.5% exists');
    else if (exact.withinTarget === false) {
      cell.note = exact.optimal
        ? 'no plan within 0.5% of LB exists; this plan is optimal (exhaustive search)'
        : 'no plan within 0.5% of LB exists (exhaustive search)';
    } else cell.note = 'optimum unknown: exhaustive search over its node budget';
  }
  return cell;
}

/** Durations re-measured with ±`drift` noise, seeded. */
export function drifted(durations, drift, seed) {
  const rand = random(seed);
  return new Map([...durations].map(([f, ms]) => [f, Math.round(ms * (1 - drift + 2 * drift * rand()))]));
}

function shardOf(plan) {
  const where = new Map();
  for (const s of plan.shards) for (const f of s.files) where.set(f, s.index);
  return where;
}

function movedShare(before, after) {
  const where = shardOf(before);
  let moved = 0;
  let total = 0;
  for (const s of after.shards) {
    for (const f of s.files) {
      total++;
      if (where.get(f) !== s.index) moved++;
    }
  }
  return total === 0 ? 0 : moved / total;
}

/**
 * The stability option: plan, re-measure with ±10% drift, and plan again fresh and from the previous plan.
 * Medians over `seeds` drifts: the share of files that change shard, and each makespan against LB.
 */
export function churn(dataset, k, seeds = 5, drift = 0.1) {
  const { files, durations } = dataset;
  const base = partition(files, { shardCount: k, durations });
  const rows = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const next = drifted(durations, drift, 1000 + seed);
    const fresh = partition(files, { shardCount: k, durations: next });
    const stable = partition(files, { shardCount: k, durations: next, previous: base });
    rows.push({
      movedFresh: movedShare(base, fresh),
      movedStable: movedShare(base, stable),
      freshRatio: fresh.makespanMs / fresh.lowerBoundMs,
      stableRatio: stable.makespanMs / stable.lowerBoundMs,
      stableWorse: stable.makespanMs > fresh.makespanMs,
    });
  }
  const pick = (key) => median(rows.map((r) => r[key]));
  return {
    dataset: dataset.name,
    n: files.length,
    k,
    movedFresh: pick('movedFresh'),
    movedStable: pick('movedStable'),
    freshRatio: pick('freshRatio'),
    stableRatio: pick('stableRatio'),
    stableWorse: rows.some((r) => r.stableWorse),
  };
}
