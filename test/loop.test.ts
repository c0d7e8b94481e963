/**
 * The whole CI loop, end to end, as a CI matrix runs it: N = 3 shard jobs as separate processes in
 * parallel, for each runner, from a cold start with no timings to balanced shards, and through drift.
 * Real runners, real processes, real files in a temp copy of each example. Correctness only: how balanced
 * the shards' wall times are depends on the machine's load, so `npm run bench` measures that
 * (bench/loop-balance.js, beside the runners' own --shard).
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SHARDS,
  cli,
  copyExample,
  merge,
  readReports,
  readStore,
  run,
  runMatrix,
  runners,
  testFiles,
} from './loop-harness.js';

/** The JUnit schema CI systems read (Surefire's), vendored with its source and licence. */
const SCHEMA = fileURLToPath(
  new URL('../packages/cli/test/fixtures/junit/surefire-test-report-3.0.xsd', import.meta.url),
);

describe.each(runners)('the CI loop with $name', (runner) => {
  let dir: string;

  beforeAll(async () => {
    dir = await copyExample(runner);
  });

  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('1. cold start: no store, three parallel shards run every file exactly once', async () => {
    await runMatrix(runner, dir);
    const reports = await readReports(dir);
    expect(reports).toHaveLength(SHARDS);
    const ran = reports.flatMap((r) => r.files.map((f) => f.file)).sort();
    expect(ran).toEqual(await testFiles(dir));
  });

  it('2. merge: the coverage check passes and a store appears; a missing report fails it, naming the files', async () => {
    const merged = await run([cli, 'merge', '--timings', 'shard-timings.json', '.shardwise/reports'], dir);
    expect(merged.code, merged.stderr).toBe(0);
    const store = await readStore(dir);
    expect(Object.keys(store).sort()).toEqual(await testFiles(dir));
    // Each job reported its wall clock; the merge learned the runner's wall model from them.
    expect(merged.stdout).toMatch(/Actual wall/);
    expect(merged.stdout).toMatch(new RegExp(`Wall model \\(${runner.name}\\): start-up`));

    const reports = await readReports(dir);
    const dropped = reports.find((r) => r.files.length > 0)!;
    const partial = path.join(dir, 'partial-reports');
    await fs.mkdir(partial);
    for (const r of reports) {
      if (r !== dropped)
        await fs.copyFile(path.join(dir, '.shardwise/reports', r.file), path.join(partial, r.file));
    }
    const check = await run([cli, 'merge', '--timings', 'partial-store.json', 'partial-reports'], dir);
    expect(check.code).toBe(1);
    for (const f of dropped.files) expect(check.stdout + check.stderr).toContain(f.file);
  });

  it('3. warm run: with the store, the planned shards still run every file exactly once', async () => {
    await fs.rm(path.join(dir, '.shardwise/reports'), { recursive: true, force: true });
    await runMatrix(runner, dir);
    const reports = await readReports(dir);
    expect(reports.map((r) => r.shard?.index).sort()).toEqual(
      Array.from({ length: SHARDS }, (_, i) => i + 1),
    );
    const ran = reports.flatMap((r) => r.files.map((f) => f.file)).sort();
    expect(ran).toEqual(await testFiles(dir));
    // Planned with the learned model: every job ran under a predicted wall, and merge compares it.
    const json = await run(
      [cli, 'merge', '--timings', 'shard-timings.json', '--out', 'wall.json', '--json', '.shardwise/reports'],
      dir,
    );
    const shards = (
      JSON.parse(json.stdout) as { shards: { predictedMs: number; wallMs: number; files: number }[] }
    ).shards;
    expect(shards).toHaveLength(SHARDS);
    for (const s of shards) {
      expect(s.predictedMs).toBeGreaterThan(0);
      expect(s.wallMs).toBeGreaterThan(0);
    }
    await merge(dir);
    // The merge job's outputs, from the real runners' reports: a job per shard and a bar per file in the
    // report, every test in the JUnit XML (valid under the schema CI systems read), and the short comment.
    const html = await fs.readFile(path.join(dir, 'report.html'), 'utf8');
    expect(html.match(/<div class="job" /g)).toHaveLength(SHARDS);
    const bars = [...html.matchAll(/<div class="bar [^"]*"[^>]* data-file="([^"]+)"/g)].map((m) => m[1]);
    expect(bars.sort()).toEqual(ran);
    const xml = path.join(dir, 'merged.xml');
    const tests = reports.reduce((n, r) => n + r.files.reduce((m, f) => m + (f.tests?.length ?? 0), 0), 0);
    expect(await fs.readFile(xml, 'utf8')).toContain(
      `<testsuite name="shardwise" tests="${tests}" failures="0"`,
    );
    const valid = spawnSync('xmllint', ['--noout', '--schema', SCHEMA, xml], { encoding: 'utf8' });
    expect(valid.status, valid.stderr).toBe(0);
    const comment = await fs.readFile(path.join(dir, 'comment.md'), 'utf8');
    expect(comment).toContain('✅ Every planned test file ran exactly once.');
  });

  it('4. drift: the store learns changed durations, measures new files and prunes deleted ones', async () => {
    const ext = runner.name === 'jest' ? 'js' : 'ts';
    const before = await readStore(dir);
    // A fast file becomes slow.
    const slowed = `test/lib/permissions.test.${ext}`;
    const source = await fs.readFile(path.join(dir, slowed), 'utf8');
    await fs.writeFile(path.join(dir, slowed), source.replace(/simulate\(\d+\)/g, 'simulate(1500)'));
    // Two new files, one deleted.
    const added = [`test/features/admin/invoices.test.${ext}`, `test/lib/tax-report.test.${ext}`];
    // Each new file is a copy of a neighbour in the same folder, so its imports resolve.
    const existing = await testFiles(dir);
    for (const file of added) {
      const neighbour = existing.find((f) => path.posix.dirname(f) === path.posix.dirname(file))!;
      const template = await fs.readFile(path.join(dir, neighbour), 'utf8');
      await fs.writeFile(path.join(dir, file), template.replace(/simulate\(\d+\)/g, 'simulate(600)'));
    }
    const deleted = `test/jobs/welcome-enterprise-job.test.${ext}`;
    await fs.rm(path.join(dir, deleted));

    const plan = await run([cli, 'plan', '--shards', String(SHARDS), '--json'], dir);
    expect(plan.code, plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout).unknownFiles).toEqual([...added].sort());

    await fs.rm(path.join(dir, '.shardwise/reports'), { recursive: true, force: true });
    await runMatrix(runner, dir);
    await merge(dir);

    const after = await readStore(dir);
    for (const file of added) expect(after[file]?.durationMs).toBeGreaterThanOrEqual(550);
    expect(after[deleted]).toBeUndefined();
    expect(after[slowed]!.durationMs).toBeGreaterThan(before[slowed]!.durationMs + 100);
    expect(after[slowed]!.samples).toBe(before[slowed]!.samples + 1);
  });
});
