import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBin, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

// The wall-clock loop as a user runs it (the built bin, real files): plan with a learned model, jobs
// report their clocks, merge compares predicted with actual walls and learns the model again.

const FILES = Array.from({ length: 9 }, (_, i) => `t/f${i}.test.ts`);
const DURATIONS = [8000, 7000, 3000, 3000, 2000, 2000, 1000, 1000, 1000];
const MODEL = { startupMs: 4000, workerStartupMs: 500, workers: 2, samples: 3 };

/** The store; with `spread`, each file's last three measurements were its time ± that fraction. */
function store(model?: object, spread?: number): string {
  const entry = (ms: number) =>
    spread === undefined
      ? { durationMs: ms, samples: 1 }
      : { durationMs: ms, samples: 3, recentMs: [ms * (1 - spread), ms, ms * (1 + spread)].map(Math.round) };
  return JSON.stringify({
    version: 1,
    ...(model ? { model: { jest: model } } : {}),
    files: Object.fromEntries(FILES.map((f, i) => [f, entry(DURATIONS[i]!)])),
  });
}

interface PlanJson {
  fingerprint: string;
  shardCount: number;
  wall?: { startupMs: number; workers: number; makespanMs: number; lowerBoundMs: number };
  shards: { index: number; estimatedMs: number; wallMs?: number; spreadMs?: number; files: string[] }[];
}

async function planOf(dir: string): Promise<PlanJson> {
  const r = await runBin(['plan', '--shards', '3', '--files-from', 'list.txt', '--json'], { cwd: dir });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as PlanJson;
}

/**
 * Reports of the three jobs, as the plugins write them: the plan's predictions, and each job's files on
 * two workers after the start-up, each at `pace[i]` times its recorded time, the last one to end taking
 * `extra[i]` ms longer than that; the job's wall ends with it.
 */
async function writeReports(
  dir: string,
  plan: PlanJson,
  extra: number[],
  pace: number[] = [1, 1, 1],
): Promise<void> {
  await fs.mkdir(path.join(dir, 'reports'), { recursive: true });
  for (const shard of plan.shards) {
    const free = [MODEL.startupMs, MODEL.startupMs];
    const files = shard.files.map((file) => {
      const w = free[0]! <= free[1]! ? 0 : 1;
      const first = free[w] === MODEL.startupMs;
      const durationMs =
        Math.round(DURATIONS[FILES.indexOf(file)]! * pace[shard.index - 1]!) +
        (first ? MODEL.workerStartupMs : 0);
      const startMs = free[w]!;
      free[w] = startMs + durationMs;
      // A worker's first file took the worker's start-up in its environment time (Jest's own marks).
      const environmentMs = first ? 50 + MODEL.workerStartupMs : 50;
      return {
        file,
        durationMs,
        status: 'passed',
        startMs,
        endMs: free[w],
        setupMs: first ? 600 : 100,
        environmentMs,
      };
    });
    const last = files.reduce((a, b) => (b.endMs > a.endMs ? b : a));
    last.durationMs += extra[shard.index - 1]!;
    last.endMs += extra[shard.index - 1]!;
    const report = {
      format: 'shardwise-report',
      version: 1,
      runner: 'jest',
      shard: { index: shard.index, count: 3 },
      plan: {
        fingerprint: plan.fingerprint,
        shardCount: 3,
        shards: plan.shards.map((s) => s.files),
        estimatedMs: plan.shards.map((s) => s.estimatedMs),
        ...(plan.shards.some((s) => s.spreadMs) ? { spreadMs: plan.shards.map((s) => s.spreadMs ?? 0) } : {}),
        ...(plan.wall
          ? {
              wallMs: plan.shards.map((s) => s.wallMs),
              wall: { startupMs: 4000, workerStartupMs: 500, workers: 2 },
            }
          : {}),
      },
      job: { wallMs: last.endMs, workers: 2 },
      files,
    };
    await fs.writeFile(
      path.join(dir, 'reports', `jest-shard-${shard.index}-of-3.json`),
      JSON.stringify(report),
    );
  }
}

describe('the wall-clock model (spawned)', () => {
  it('plans walls with the learned model: start-up once per job, files on the learned workers', async () => {
    const dir = await tempDir({ 'list.txt': FILES.join('\n'), 'shard-timings.json': store(MODEL) });
    const plan = await planOf(dir);
    expect(plan.wall).toMatchObject({ startupMs: 4000, workers: 2 });
    for (const s of plan.shards) expect(s.wallMs).toBeGreaterThanOrEqual(4000 + 500);
    expect(plan.wall!.makespanMs).toBe(Math.max(...plan.shards.map((s) => s.wallMs!)));
    expect(plan.wall!.lowerBoundMs).toBeLessThanOrEqual(plan.wall!.makespanMs);
    // The longest file (8 s) on a worker that started: the floor of any plan under this model.
    expect(plan.wall!.lowerBoundMs).toBeGreaterThanOrEqual(4000 + 500 + 8000);

    const text = await runBin(['plan', '--shards', '3', '--files-from', 'list.txt'], { cwd: dir });
    expect(text.stdout).toMatch(/Slowest job/);
    expect(text.stdout).toMatch(/Wall model\s+start-up 4\.0s per job, 500ms per worker, 2 worker\(s\)/);
  });

  it('merge prints predicted against actual wall per shard, names the slowest and why, and learns', async () => {
    const dir = await tempDir({ 'list.txt': FILES.join('\n'), 'shard-timings.json': store(MODEL) });
    const plan = await planOf(dir);
    await writeReports(dir, plan, [0, 6000, 300]);
    const json = await runBin(
      ['merge', '--timings', 'shard-timings.json', '--out', 'out.json', '--json', 'reports'],
      {
        cwd: dir,
      },
    );
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout) as {
      shards: { index: number; files: number; predictedMs: number; wallMs: number }[];
      slowest: { index: number; reason: string };
    };
    // The prediction each job ran under, not one remade from the merged store.
    expect(out.shards.map((s) => ({ index: s.index, files: s.files, predictedMs: s.predictedMs }))).toEqual(
      plan.shards.map((s) => ({ index: s.index, files: s.files.length, predictedMs: s.wallMs })),
    );
    expect(out.shards.map((s) => s.wallMs - s.predictedMs)).toEqual([0, 6000, 300]);
    expect(out.slowest).toMatchObject({ index: 2, reason: 'noise' });

    const text = await runBin(['merge', '--timings', 'shard-timings.json', '--out', 'out2.json', 'reports'], {
      cwd: dir,
    });
    expect(text.stdout).toMatch(/Shard\s+Files\s+Ran\s+Predicted\s+Actual wall\s+Error/);
    expect(text.stdout).toMatch(/Slowest: shard 2\/3 \([\d.]+s\): noise/);
    const learned = JSON.parse(await fs.readFile(path.join(dir, 'out2.json'), 'utf8')) as {
      model: { jest: { startupMs: number; workerStartupMs: number; workers: number } };
      files: Record<string, { durationMs: number }>;
    };
    expect(learned.model.jest.workers).toBe(2);
    // Each worker's first file is stored without the worker's start-up it carried (shard 1 ran as recorded).
    for (const f of plan.shards[0]!.files)
      expect(learned.files[f]!.durationMs).toBe(DURATIONS[FILES.indexOf(f)]);
  });

  it('plan and merge show each prediction’s spread; merge says when a whole job ran slow on every file, and learns its files at the run’s pace', async () => {
    const dir = await tempDir({ 'list.txt': FILES.join('\n'), 'shard-timings.json': store(MODEL, 0.1) });
    const plan = await planOf(dir);
    for (const s of plan.shards) expect(s.spreadMs).toBeGreaterThan(0);
    const shown = await runBin(['plan', '--shards', '3', '--files-from', 'list.txt'], { cwd: dir });
    for (const s of plan.shards) {
      expect(shown.stdout).toMatch(
        new RegExp(`\\n\\s+${s.index}\\s+${s.files.length}\\s+[\\d.]+s ± [\\d.]+(s|ms)\\s`),
      );
    }
    const slow = plan.shards.find((s) => s.files.length >= 3)!.index;
    const pace = [1, 1, 1].map((p, i) => (i + 1 === slow ? 1.5 : p));
    await writeReports(dir, plan, [0, 0, 0], pace);
    const r = await runBin(['merge', '--timings', 'shard-timings.json', '--out', 'out.json', 'reports'], {
      cwd: dir,
    });
    expect(r.code).toBe(0);
    const files = plan.shards[slow - 1]!.files.length;
    // The Predicted column: the wall each job ran under, with its spread.
    expect(r.stdout).toMatch(/Shard\s+Files\s+Ran\s+Predicted\s+Actual wall\s+Error/);
    expect(r.stdout).toMatch(
      new RegExp(`\\n\\s+${slow}/3\\s+${files}\\s+${files}\\s+[\\d.]+s ± [\\d.]+(s|ms)\\s`),
    );
    expect(r.stdout).toMatch(
      new RegExp(
        `Slowest: shard ${slow}/3 \\([\\d.]+s\\): a slow machine, .* its files ran 1\\.5× slower than the run's pace`,
      ),
    );
    expect(r.stdout).toContain(
      `shard ${slow}/3 ran 1.5× slower than the run's pace on every file (${files}): the machine, not the files`,
    );
    const learned = JSON.parse(await fs.readFile(path.join(dir, 'out.json'), 'utf8')) as {
      files: Record<string, { durationMs: number; recentMs: number[] }>;
    };
    for (const f of plan.shards[slow - 1]!.files) {
      const ms = DURATIONS[FILES.indexOf(f)]!;
      expect(Math.abs(learned.files[f]!.durationMs - ms)).toBeLessThanOrEqual(1);
      // The sample itself is kept at the run's pace, so the spread does not grow with the slow machine.
      expect(Math.abs(learned.files[f]!.recentMs.at(-1)! - ms)).toBeLessThanOrEqual(1);
    }
    const json = await runBin(
      // Without the history, which now holds these reports (merged once above, they are not applied again).
      ['merge', '--no-history', '--timings', 'shard-timings.json', '--out', 'o.json', '--json', 'reports'],
      {
        cwd: dir,
      },
    );
    const out = JSON.parse(json.stdout) as { machineJobs: { shard: number; machine: boolean }[] };
    expect(out.machineJobs).toMatchObject([{ shard: slow, machine: true }]);
  });

  it('a first pipeline with no model predicts files only and says so; start-up explains the gap', async () => {
    const dir = await tempDir({ 'list.txt': FILES.join('\n'), 'shard-timings.json': store() });
    const plan = await planOf(dir);
    expect(plan.wall).toBeUndefined();
    await writeReports(dir, plan, [4500, 4500, 4500]);
    const r = await runBin(['merge', '--timings', 'shard-timings.json', 'reports'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/no wall model yet/);
    expect(r.stdout).toMatch(/Slowest: shard \d\/3 .*start-up/);
    expect(r.stdout).toMatch(/Wall model \(jest\): start-up/);
    // The model, checked against the job clocks it learned from.
    expect(r.stdout).toMatch(/learned from 3 job\(s\); fits these 3 job\(s\) within \d+% \(median\)/);
    const after = await planOf(dir);
    expect(after.wall).toMatchObject({ workers: 2 });
  });

  it('a shard slower than predicted because its files had no timing yet says so', async () => {
    const dir = await tempDir({
      'list.txt': FILES.join('\n'),
      'shard-timings.json': '{"version":1,"files":{}}',
    });
    const plan = await planOf(dir);
    await writeReports(dir, plan, [20_000, 20_000, 20_000]);
    const r = await runBin(['merge', '--timings', 'shard-timings.json', '--json', 'reports'], { cwd: dir });
    const out = JSON.parse(r.stdout) as { slowest: { reason: string; untimed: number } };
    expect(out.slowest).toMatchObject({ reason: 'estimate', untimed: 3 });
  });

  it('--max-shards sizes with the learned start-up; --overhead overrides it in any unit, and a bad one fails', async () => {
    const dir = await tempDir({ 'list.txt': FILES.join('\n'), 'shard-timings.json': store(MODEL) });
    const learned = await runBin(['plan', '--max-shards', '4', '--files-from', 'list.txt'], { cwd: dir });
    expect(learned.stdout).toMatch(/start-up 4\.0s per shard job, learned from recorded jobs/);
    const given = await runBin(
      ['plan', '--max-shards', '4', '--overhead', '1m30s', '--files-from', 'list.txt'],
      {
        cwd: dir,
      },
    );
    expect(given.stdout).toMatch(/start-up 1m 30s per shard job, --overhead/);
    const bad = await runBin(['plan', '--max-shards', '4', '--overhead', '30x', '--files-from', 'list.txt'], {
      cwd: dir,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--overhead to be a duration such as 30s, 1m or 500ms, got "30x"/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('a typo in --runner fails loudly instead of planning without the model', async () => {
    const dir = await tempDir({ 'list.txt': FILES.join('\n'), 'shard-timings.json': store(MODEL) });
    const r = await runBin(['plan', '--shards', '3', '--runner', 'jset', '--files-from', 'list.txt'], {
      cwd: dir,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/runner: expected jest, vitest, playwright, node-test, got "jset"/);
  });
});
