/**
 * Lower bounds on the makespan of any assignment of files to `k` shards. When a plan reaches the bound it is
 * provably optimal, and the partitioner stops.
 *
 * `desc` holds the durations sorted in non-increasing order; `prefix[i]` is the sum of the first `i` of them.
 */
export function lowerBound(desc: Float64Array, prefix: Float64Array, k: number): number {
  const n = desc.length;
  if (n === 0) return 0;
  const total = prefix[n]!;
  // A shard per file or more: the longest file alone, and nothing can beat it.
  if (k >= n) return desc[0]!;
  // Average load and the largest file: the classic bound.
  let lb = Math.max(Math.ceil(total / k), desc[0]!);
  // Pigeonhole on the largest files: among the jk+1 largest, some shard holds j+1 of them, at least the
  // j+1 smallest of that group. j = 1 is t_k + t_{k+1}.
  for (let j = 1; j * k + 1 <= n; j++) {
    const hi = j * k + 1;
    const lo = hi - (j + 1);
    lb = Math.max(lb, prefix[hi]! - prefix[lo]!);
  }
  // Cardinality: the j shards holding the most files hold at least ⌈jn/k⌉ files between them, so one of
  // them carries at least a j-th of the ⌈jn/k⌉ smallest durations.
  for (let j = 1; j < k; j++) {
    const m = Math.ceil((j * n) / k);
    if (m > n) break;
    lb = Math.max(lb, Math.ceil((total - prefix[n - m]!) / j));
  }
  // Cardinality by count threshold: for c < n/k, the a shards holding more than c files hold at least
  // max(n − c(k − a), (c + 1)a) files between them (the others hold at most c each), so one of them carries
  // at least an a-th of that many smallest durations. a is unknown: take the smallest bound over all a.
  // Tight when shards hold few files of similar length (near-uniform suites); cheap, so only a few c.
  const top = Math.ceil(n / k) - 1;
  for (let c = Math.max(1, top - 3); c <= top; c++) {
    let weakest = Infinity;
    for (let a = 1; a <= k; a++) {
      const m = Math.max(n - c * (k - a), (c + 1) * a);
      if (m > n) continue;
      weakest = Math.min(weakest, (prefix[n]! - prefix[n - m]!) / a);
    }
    if (weakest !== Infinity) lb = Math.max(lb, Math.ceil(weakest));
  }
  return lb;
}
