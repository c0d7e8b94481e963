// CLI speed: `shard files --shard 3/64 --files-from LIST` on a 100,000-file store, against a bare `node -e`
// that only reads and JSON.parses the same store and list. Target (issues 3 and 9): median ratio ≤ 2.5×.
//
//   node bench/cli-files.js            (build first: npx tsc -b)
//
// Runs are interleaved (bare, cli, bare, cli, …) so that load from other processes hits both alike.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const FILES = 100_000;
const RUNS = 5;
const TARGET = 2.5;
const BIN = fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url));

if (!existsSync(BIN)) {
  console.error(`${BIN} is missing: build first (npx tsc -b)`);
  process.exit(2);
}

// A seeded generator, so every run benchmarks the same store.
let seed = 42;
const random = () => (seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;

const dir = mkdtempSync(path.join(os.tmpdir(), 'shardwise-bench-cli-'));
try {
  const files = [];
  for (let i = 0; i < FILES; i++) {
    files.push(
      `packages/pkg-${i % 211}/src/feature-${(i * 7) % 53}/case-${String(i).padStart(6, '0')}.test.ts`,
    );
  }
  // The store as shardwise writes it: sorted keys, one entry per line; log-normal durations (median ~1.6 s).
  const lines = [...files].sort().map((file) => {
    const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const ms = Math.round(Math.exp(7.4 + 1.1 * normal));
    return `    ${JSON.stringify(file)}: { "durationMs": ${ms}, "samples": ${1 + Math.floor(random() * 9)} }`;
  });
  const store = path.join(dir, 'shard-timings.json');
  const list = path.join(dir, 'files.txt');
  writeFileSync(store, `{\n  "version": 1,\n  "files": {\n${lines.join(',\n')}\n  }\n}\n`);
  // The list in another order than the store, as `jest --listTests` would print it.
  writeFileSync(list, files.join('\n') + '\n');

  const bare = [
    '-e',
    `const fs = require('fs'); JSON.parse(fs.readFileSync(${JSON.stringify(store)}, 'utf8')); ` +
      `fs.readFileSync(${JSON.stringify(list)}, 'utf8').split('\\n');`,
  ];
  const cli = [BIN, 'files', '--shard', '3/64', '--timings', store, '--files-from', list];
  const time = (args) => {
    const start = performance.now();
    const result = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26 });
    const ms = performance.now() - start;
    if (result.status !== 0) {
      throw new Error(`${args.join(' ')} exited with ${result.status}: ${result.stderr}`);
    }
    return { ms, stdout: result.stdout };
  };

  time(bare); // warm the file cache
  const bareMs = [];
  const cliMs = [];
  let shardFiles = 0;
  for (let run = 0; run < RUNS; run++) {
    bareMs.push(time(bare).ms);
    const result = time(cli);
    cliMs.push(result.ms);
    shardFiles = result.stdout.split('\n').filter(Boolean).length;
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const ratio = median(cliMs) / median(bareMs);
  const mb = (statSync(store).size / 1e6).toFixed(1);
  const row = (name, xs) =>
    `  ${name.padEnd(40)} ${`${median(xs).toFixed(0)} ms`.padStart(8)}   ${xs.map((x) => x.toFixed(0)).join(' ')}`;
  console.log(
    `CLI speed: ${FILES.toLocaleString('en-US')} files, store ${mb} MB, median of ${RUNS} (load ${os.loadavg()[0].toFixed(1)})`,
  );
  console.log(`  ${'command'.padEnd(40)} ${'median'.padStart(8)}   runs (ms)`);
  console.log(row('node -e: read + JSON.parse store & list', bareMs));
  console.log(row(`shard files --shard 3/64 (${shardFiles} files)`, cliMs));
  console.log(
    `  ${'ratio'.padEnd(40)} ${`${ratio.toFixed(2)}×`.padStart(8)}   target ≤ ${TARGET}× ${ratio <= TARGET ? 'met' : 'NOT MET'}`,
  );

  // Where the time goes, from one more run with --verbose (ms since the process started).
  const verbose = spawnSync(process.execPath, [...cli, '--verbose'], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const labels = [
    [/^command/, 'modules loaded'],
    [/^--files-from/, 'list read'],
    [/^store/, 'store read + validated'],
    [/^plan/, 'partitioned'],
  ];
  const stages = [...verbose.stderr.matchAll(/shardwise\s+(\d+)ms (.*)/g)]
    .map((m) => [Number(m[1]), labels.find(([re]) => re.test(m[2]))?.[1]])
    .filter(([, label]) => label)
    .map(([ms, label]) => `${label} ${ms}`);
  console.log(`  one run, ms since process start: ${stages.join(', ')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
