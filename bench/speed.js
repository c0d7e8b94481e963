// Planning speed and memory for one size, in a process of its own (run by bench/run.js with --expose-gc):
//   node --expose-gc bench/speed.js <files> <shards> <runs> [time|memory]
// Prints one JSON line.
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { partition } from '../packages/core/dist/public/index.js';
import { logNormal } from './datasets.js';
import { median } from './partition.js';

const [n, k, runs, mode = 'time'] = process.argv.slice(2).map((x, i) => (i < 3 ? Number(x) : x));
const { files, durations } = logNormal(n, 21);
const gc = globalThis.gc ?? (() => {});

if (mode === 'memory') {
  // Bytes allocated by one plan: heap and buffer use right after the call against right before it, with a
  // young generation large enough (bench/run.js passes --max-semi-space-size) that usually no collection
  // runs in between. A collection during the call would hide freed temporaries, so it is detected and the
  // figure then marked as a lower bound. The retained size (the plan itself) is measured after a GC.
  const gcs = [];
  const observer = new PerformanceObserver((list) => gcs.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  for (let r = 0; r < 3; r++) void partition(files, { shardCount: k, durations }).fingerprint;
  // Twice, with a pause: the backing stores of freed typed arrays are released after a collection, not
  // during it, and would otherwise count in "before" but not in "after".
  for (let r = 0; r < 2; r++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const used = (m) => m.heapUsed + m.arrayBuffers;
  const before = process.memoryUsage();
  const started = performance.now();
  const plan = partition(files, { shardCount: k, durations });
  // Read, as every user but `shard files` does: the fingerprint is computed on first read (see below).
  void plan.fingerprint;
  const ended = performance.now();
  const during = process.memoryUsage();
  await new Promise((resolve) => setTimeout(resolve, 10));
  const collected = gcs.some((e) => e.startTime >= started && e.startTime <= ended);
  observer.disconnect();
  gc();
  const after = process.memoryUsage();
  console.log(
    JSON.stringify({
      n,
      k,
      makespan: plan.makespanMs,
      allocatedBytesPerFile: (used(during) - used(before)) / n,
      lowerBound: collected,
      retainedBytesPerFile: (used(after) - used(before)) / n,
    }),
  );
} else {
  // Wall time, and the CPU time of the process (all threads, GC included): on a machine shared with other
  // work the wall time also counts time spent waiting for a core; the CPU time does not.
  const fingerprints = new Set();
  const measure = () => {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const plan = partition(files, { shardCount: k, durations });
    const planned = performance.now() - started;
    // The fingerprint is computed on first read (`shard files` never reads it); every other user of a plan
    // (a report, a plan file) does, so it is part of the figure. The call alone is reported too.
    fingerprints.add(plan.fingerprint);
    const wall = performance.now() - started;
    const used = process.cpuUsage(cpu);
    return { plan, wall, planned, cpu: (used.user + used.system) / 1000 };
  };
  // Three warm-up runs (JIT compilation happens on background threads, which the CPU time would count),
  // then the timed runs; the first, cold run is reported too.
  const cold = measure();
  measure();
  measure();
  const runsMeasured = [];
  for (let r = 0; r < runs; r++) {
    gc();
    runsMeasured.push(measure());
  }
  const last = runsMeasured.at(-1).plan;
  console.log(
    JSON.stringify({
      n,
      k,
      median: median(runsMeasured.map((r) => r.wall)),
      samples: runsMeasured.map((r) => r.wall),
      callMedian: median(runsMeasured.map((r) => r.planned)),
      cpuMedian: median(runsMeasured.map((r) => r.cpu)),
      cpuSamples: runsMeasured.map((r) => r.cpu),
      cold: cold.wall,
      coldCpu: cold.cpu,
      ratio: last.makespanMs / last.lowerBoundMs,
    }),
  );
}
