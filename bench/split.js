#!/usr/bin/env node
/**
 * Test-level splits against the file-level plan, in one run, on the real Vitest: a project with one file of
 * many short tests and a cheap import (80% of the suite: its time is about 2.7× the mean shard time at 3
 * shards) and six small files, on 3 shards. For each plan, the three shards run in parallel (one worker
 * each, like three CI jobs) and the slowest/mean shard time is taken from Vitest's own JSON reporter (the
 * sum of each shard's file times); every cell also checks, from that JSON, that every test ran exactly
 * once. Targets: split ≤ 1.15, where the file-level plan's floor gives ≥ 2.0.
 *
 * Usage: `node bench/split.js [--runs N] [--tests N] [--sleep MS]`.
 */
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { median, spawnNode as run } from './spawn.js';

const repo = path.resolve(import.meta.dirname, '..');
const vitestBin = path.join(repo, 'node_modules/vitest/vitest.mjs');
const shardBin = path.join(repo, 'packages/cli/dist/bin.js');
const pluginEntry = path.join(repo, 'packages/vitest-plugin/dist/index.js');

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    tests: { type: 'string', default: '48' },
    sleep: { type: 'string', default: '50' },
  },
});
const RUNS = Number(values.runs);
const TESTS = Number(values.tests);
const SLEEP = Number(values.sleep);
const SMALL = 6;
const SHARDS = 3;

async function makeProject() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shardwise-split-bench-'));
  await fs.mkdir(path.join(dir, 'tests'));
  await fs.symlink(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  await fs.writeFile(path.join(dir, 'package.json'), '{ "private": true, "type": "module" }\n');
  await fs.writeFile(
    path.join(dir, 'vitest.config.js'),
    "import { defineConfig } from 'vitest/config';\nimport { shardwise } from '@shardwise/vitest';\n" +
      "export default defineConfig({ plugins: [shardwise({ splitTests: process.env.SPLIT !== '0' })], test: { pool: 'threads' } });\n",
  );
  const big = [
    "import { describe, it } from 'vitest';",
    'const sleep = (ms) => new Promise((r) => setTimeout(r, ms));',
    "describe('big', () => {",
    ...Array.from({ length: TESTS }, (_, i) => `  it('test ${i}', () => sleep(${SLEEP}));`),
    '});',
  ];
  await fs.writeFile(path.join(dir, 'tests/big.test.js'), big.join('\n') + '\n');
  for (let i = 0; i < SMALL; i++) {
    await fs.writeFile(
      path.join(dir, `tests/small-${i}.test.js`),
      `import { it } from 'vitest';\nit('small ${i}', () => new Promise((r) => setTimeout(r, ${SLEEP})));\n`,
    );
  }
  return dir;
}

/** The three shards of one plan, in parallel: each shard's time by Vitest's JSON, and the tests run. */
async function cell(dir, split, tag) {
  const jobs = await Promise.all(
    Array.from({ length: SHARDS }, (_, s) =>
      run(
        dir,
        vitestBin,
        [
          'run',
          `--shard=${s + 1}/${SHARDS}`,
          '--no-file-parallelism',
          '--reporter=json',
          `--outputFile=${tag}-${s + 1}.json`,
        ],
        { SPLIT: split ? '1' : '0', SHARDWISE_RECORD: '0' },
      ),
    ),
  );
  const shardMs = [];
  const ran = new Map();
  for (let s = 1; s <= SHARDS; s++) {
    const json = JSON.parse(await fs.readFile(path.join(dir, `${tag}-${s}.json`), 'utf8'));
    let ms = 0;
    for (const file of json.testResults) {
      ms += file.endTime - file.startTime;
      for (const t of file.assertionResults) {
        if (t.status !== 'passed') continue;
        const key = `${path.basename(file.name)}: ${t.fullName}`;
        ran.set(key, (ran.get(key) ?? 0) + 1);
      }
    }
    shardMs.push(ms);
  }
  const expected = TESTS + SMALL;
  const once = ran.size === expected && [...ran.values()].every((n) => n === 1);
  if (!once) throw new Error(`${tag}: ${ran.size} of ${expected} tests ran, some not exactly once`);
  const mean = shardMs.reduce((a, b) => a + b, 0) / SHARDS;
  const jobMean = jobs.reduce((a, b) => a + b, 0) / SHARDS;
  return {
    ratio: Math.max(...shardMs) / mean,
    slowest: Math.max(...shardMs),
    jobRatio: Math.max(...jobs) / jobMean,
  };
}

if (!existsSync(pluginEntry) || !existsSync(shardBin)) {
  console.error('packages/*/dist is missing: build first (npx tsc -b)');
  process.exit(2);
}

const dir = await makeProject();
try {
  // One recording run (per-test times), merged into the store: the plans are made from it. The merge also
  // learns the wall model (start-up, gap per file); the plans are measured with it and without it.
  await run(dir, vitestBin, ['run', '--no-file-parallelism']);
  await run(dir, shardBin, ['merge']);
  const storeFile = path.join(dir, 'shard-timings.json');
  const withModel = await fs.readFile(storeFile, 'utf8');
  const parsed = JSON.parse(withModel);
  const model = parsed.model?.vitest;
  delete parsed.model;
  const withoutModel = JSON.stringify(parsed);
  const cells = { file: [], split: [], fileWall: [], splitWall: [] };
  for (let r = 0; r < RUNS; r++) {
    // Alternating, so that a drift in the machine's load hits all alike.
    await fs.writeFile(storeFile, withoutModel);
    cells.file.push(await cell(dir, false, `file-${r}`));
    cells.split.push(await cell(dir, true, `split-${r}`));
    await fs.writeFile(storeFile, withModel);
    cells.fileWall.push(await cell(dir, false, `file-wall-${r}`));
    cells.splitWall.push(await cell(dir, true, `split-wall-${r}`));
  }
  const row = (name, xs, target) =>
    `| ${name.padEnd(24)} | ${median(xs.map((c) => c.ratio))
      .toFixed(3)
      .padStart(14)} | ${String(Math.round(median(xs.map((c) => c.slowest)))).padStart(12)} | ${median(
      xs.map((c) => c.jobRatio),
    )
      .toFixed(3)
      .padStart(16)} | ${target.padEnd(7)} |`;
  console.log(
    `Vitest, ${SHARDS} shards in parallel: big.test.js (${TESTS} tests × ${SLEEP} ms, cheap import) + ${SMALL} small files ` +
      `(${SLEEP} ms each). Medians of ${RUNS} runs; every cell ran every test exactly once (Vitest's JSON).\n`,
  );
  console.log('| Plan                     | slowest / mean | slowest (ms) | job wall ratio * | target  |');
  console.log('|--------------------------|---------------:|-------------:|-----------------:|---------|');
  console.log(row('file-level, file sums', cells.file, '≥ 2.0'));
  console.log(row('split, file sums', cells.split, '≤ 1.15'));
  console.log(row('file-level, wall model', cells.fileWall, ''));
  console.log(row('split, wall model', cells.splitWall, ''));
  console.log(
    "\nslowest / mean: of the shards' test time (sum of file times in Vitest's JSON, one worker per shard).\n" +
      '* job wall: each `vitest run` process from spawn to exit, Vitest start-up included.\n' +
      `Wall model learned by the merge: ${model ? `start-up ${model.startupMs} ms, gap ${model.fileGapMs ?? 0} ms per file, ${model.workers} worker(s)` : 'none'}; ` +
      'planned with it, shards are balanced by predicted job wall (test time plus a gap per file), not by test time.',
  );
  const fileRatio = median(cells.file.map((c) => c.ratio));
  const splitRatio = median(cells.split.map((c) => c.ratio));
  console.log(
    `\nsplit ${splitRatio.toFixed(3)} ${splitRatio <= 1.15 ? '≤' : '>'} 1.15; file-level ${fileRatio.toFixed(3)} ${fileRatio >= 2 ? '≥' : '<'} 2.0`,
  );

  // The other rule: a file whose time is mostly import and collection is never split. The same suite with
  // big.test.js's recorded time made 70% fixed cost (a heavy import), planned by core.
  const { planRun } = await import(path.join(repo, 'packages/core/dist/public/index.js'));
  const tests = Array.from({ length: TESTS }, (_, i) => ({
    name: `big > test ${i}`,
    durationMs: SLEEP,
    status: 'passed',
  }));
  const testsMs = TESTS * SLEEP;
  const files = new Map([
    ['tests/big.test.js', { durationMs: Math.round(testsMs / 0.3), samples: 1, tests }],
  ]);
  for (let i = 0; i < SMALL; i++) files.set(`tests/small-${i}.test.js`, { durationMs: SLEEP, samples: 1 });
  const heavy = planRun({
    files: [...files.keys()],
    shardCount: SHARDS,
    store: { state: 'loaded', store: { version: 1, files } },
    split: true,
  });
  const gain = heavy.plan.split ? heavy.plan.split.fileLevelMs - heavy.plan.split.splitMs : 0;
  console.log(
    `heavy import (70% of big.test.js is fixed cost): predicted gain ${gain} ms, ${heavy.plan.split?.files.length ? 'split' : 'not split'} (target: not split)`,
  );
  if (splitRatio > 1.15 || fileRatio < 2 || gain > 0) process.exitCode = 1;
} finally {
  await fs.rm(dir, { recursive: true, force: true });
}
