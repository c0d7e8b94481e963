// Planning speed and memory for one size, in a process of its own (run by bench/run.js with --expose-gc):
//   node --expose-gc bench/speed.js <files> <shards> <runs> [time|memory]
// Prints one JSON line.
import { performance } from 'node:perf_hooks';
import { partition } from '../packages/core/dist/index.js';
import { logNormal } from './datasets.js';
import { median } from './partition.js';

const [n, k, runs, mode = 'time'] = process.argv.slice(2).map((x, i) => (i < 3 ? Number(x) : x));
const { files, durations } = logNormal(n, 21);
const gc = globalThis.gc ?? (() => {});

if (mode === 'memory') {
  // Peak memory of one plan: the growth of the process's maximum resident set over the inputs alone.
  gc();
  const before = process.memoryUsage();
  const rssBefore = before.rss;
  const plan = partition(files, { shardCount: k, durations });
  const peakRss = process.resourceUsage().maxRSS * 1024;
  gc();
  const after = process.memoryUsage();
  const retained = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
  console.log(
    JSON.stringify({
      n,
      k,
      makespan: plan.makespanMs,
      peakBytesPerFile: Math.max(0, peakRss - rssBefore) / n,
      retainedBytesPerFile: retained / n,
    }),
  );
} else {
  // Wall time, and the CPU time of the process (all threads, GC included): on a machine shared with other
  // work the wall time also counts time spent waiting for a core; the CPU time does not.
  const measure = () => {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const plan = partition(files, { shardCount: k, durations });
    const wall = performance.now() - started;
    const used = process.cpuUsage(cpu);
    return { plan, wall, cpu: (used.user + used.system) / 1000 };
  };
  // One warm-up run (JIT), then the timed runs; the first, cold run is reported too.
  const cold = measure();
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
      cpuMedian: median(runsMeasured.map((r) => r.cpu)),
      cpuSamples: runsMeasured.map((r) => r.cpu),
      cold: cold.wall,
      coldCpu: cold.cpu,
      ratio: last.makespanMs / last.lowerBoundMs,
    }),
  );
}
