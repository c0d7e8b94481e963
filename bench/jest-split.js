#!/usr/bin/env node
/**
 * Test-level splits in Jest (shardwise's test runner) against the file-level plan, in one run: one file of
 * 30 tests × 100 ms beside 6 small files, on 3 shards run in parallel (one worker each, like three CI
 * jobs). For each plan, the slowest/mean of the shards' summed test time is taken from Jest's own JSON (the
 * sum of the durations of the tests each shard ran), and every cell checks from that JSON that every test ran exactly once.
 * Targets: split ≤ 1.15, where the file-level floor gives ≥ 2.0.
 *
 * Usage: `node bench/jest-split.js [--runs N] [--jest 29|30]`.
 */
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { median, spawnNode } from './spawn.js';

const repo = path.resolve(import.meta.dirname, '..');
const shardBin = path.join(repo, 'packages/cli/dist/bin.js');
const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, jest: { type: 'string', default: '30' } },
});
const RUNS = Number(values.runs);
const jestBin = path.join(repo, 'node_modules', values.jest === '29' ? 'jest29' : 'jest', 'bin/jest.js');
const TESTS = 30;
const SLEEP = 100;
const SMALL = 6;
const SHARDS = 3;

async function makeProject() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shardwise-jest-split-bench-'));
  await fs.mkdir(path.join(dir, 'tests'));
  await fs.symlink(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  await fs.writeFile(path.join(dir, 'package.json'), '{ "private": true }\n');
  // SPLIT=0 leaves shardwise's test runner out: the plan stays at file level.
  await fs.writeFile(
    path.join(dir, 'jest.config.js'),
    "module.exports = { testSequencer: '@shardwise/jest', testEnvironment: 'node', testMatch: ['<rootDir>/tests/*.test.js'],\n" +
      "  ...(process.env.SPLIT === '0' ? {} : { testRunner: '@shardwise/jest/runner' }) };\n",
  );
  const sleep = `const sleep = (ms) => new Promise((r) => setTimeout(r, ms));`;
  const big = [
    sleep,
    ...Array.from({ length: TESTS }, (_, i) => `test('test ${i}', () => sleep(${SLEEP}));`),
  ];
  await fs.writeFile(path.join(dir, 'tests/big.test.js'), big.join('\n') + '\n');
  for (let i = 0; i < SMALL; i++)
    await fs.writeFile(
      path.join(dir, `tests/small-${i}.test.js`),
      `${sleep}\ntest('small ${i}', () => sleep(${SLEEP}));\n`,
    );
  return dir;
}

/** The three shards of one plan, in parallel: each shard's test time by Jest's JSON, and the tests run. */
async function cell(dir, split, tag) {
  await Promise.all(
    Array.from({ length: SHARDS }, (_, s) =>
      spawnNode(
        dir,
        jestBin,
        [`--shard=${s + 1}/${SHARDS}`, '-i', '--json', `--outputFile=${tag}-${s + 1}.json`],
        {
          SPLIT: split ? '1' : '0',
          SHARDWISE_RECORD: '0',
        },
      ),
    ),
  );
  const shardMs = [];
  const fileMs = [];
  const ran = new Map();
  for (let s = 1; s <= SHARDS; s++) {
    const json = JSON.parse(await fs.readFile(path.join(dir, `${tag}-${s}.json`), 'utf8'));
    let ms = 0;
    let wall = 0;
    for (const file of json.testResults) {
      wall += file.endTime - file.startTime;
      for (const t of file.assertionResults) {
        if (t.status !== 'passed') continue;
        ms += t.duration ?? 0;
        const key = `${path.basename(file.name)}: ${t.fullName}`;
        ran.set(key, (ran.get(key) ?? 0) + 1);
      }
    }
    shardMs.push(ms);
    fileMs.push(wall);
  }
  const expected = TESTS + SMALL;
  if (ran.size !== expected || [...ran.values()].some((n) => n !== 1))
    throw new Error(`${tag}: ${ran.size} of ${expected} tests ran, some not exactly once`);
  const ratio = (xs) => (Math.max(...xs) * SHARDS) / xs.reduce((a, b) => a + b, 0);
  return { ratio: ratio(shardMs), fileRatio: ratio(fileMs), slowest: Math.max(...fileMs) };
}

if (!existsSync(shardBin)) {
  console.error('packages/*/dist is missing: build first (npx tsc -b)');
  process.exit(2);
}
const dir = await makeProject();
try {
  // One recording run (per-test times and each file's fixed cost), merged into the store.
  await spawnNode(dir, jestBin, ['-i']);
  await spawnNode(dir, shardBin, ['merge']);
  const cells = { file: [], split: [] };
  for (let r = 0; r < RUNS; r++) {
    // Alternating, so that a drift in the machine's load hits both alike.
    cells.file.push(await cell(dir, false, `file-${r}`));
    cells.split.push(await cell(dir, true, `split-${r}`));
  }
  const m = (xs, f) => median(xs.map(f));
  console.log(
    `Jest ${values.jest}, ${SHARDS} shards in parallel: big.test.js (${TESTS} tests × ${SLEEP} ms) + ${SMALL} small files ` +
      `(${SLEEP} ms each). Medians of ${RUNS} runs; every cell ran every test exactly once (Jest's JSON).\n`,
  );
  console.log(
    '| Plan       | slowest / mean, test time | slowest / mean, file time | slowest shard, file time (ms) |',
  );
  console.log(
    '|------------|--------------------------:|--------------------------:|------------------------------:|',
  );
  for (const [name, xs] of [
    ['file-level', cells.file],
    ['split', cells.split],
  ])
    console.log(
      `| ${name.padEnd(10)} | ${m(xs, (c) => c.ratio)
        .toFixed(3)
        .padStart(25)} | ${m(xs, (c) => c.fileRatio)
        .toFixed(3)
        .padStart(25)} | ${String(Math.round(m(xs, (c) => c.slowest))).padStart(29)} |`,
    );
  const floor = m(cells.file, (c) => c.ratio);
  const split = m(cells.split, (c) => c.fileRatio);
  console.log(
    "\ntest time: the sum of the durations of the tests each shard ran; file time: the sum of its files' times (environment,\n" +
      "import and tests), what the plan balances: a piece pays the file's fixed cost again, and each small file its own.\n" +
      `Targets: file-level floor ${floor.toFixed(3)} ${floor >= 2 ? '≥' : '<'} 2.0 (test time); split ${split.toFixed(3)} ${split <= 1.15 ? '≤' : '>'} 1.15 (file time).`,
  );
  if (split > 1.15 || floor < 2) process.exitCode = 1;
} finally {
  if (!process.env.KEEP) await fs.rm(dir, { recursive: true, force: true });
  else console.log(dir);
}
