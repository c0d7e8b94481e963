/**
 * examples/ci/playwright-github-actions.yml is documentation people copy: it must parse, keep the loop's
 * shape (a plan job pins the plan, shard jobs run it, a merge job that runs when a shard failed merges
 * both shardwise's reports and Playwright's blobs), and its own shell lines must work: they run under
 * bash in a copy of examples/playwright-basic, with `npx` bound to the built CLI and the real Playwright.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { TITLE_SEPARATOR } from '@shardwise/core';
import { copyProject, removeProjects, repo, testsInJsonReport, type JsonReport } from './helpers.js';

const recipeFile = path.join(repo, 'examples/ci/playwright-github-actions.yml');

interface Step {
  id?: string;
  if?: string;
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
}
interface Job {
  if?: string;
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  env: { SHARDS: number };
  jobs: { plan: Job; test: Job; timings: Job };
}

let workflow: Workflow;
let project: string;
let npx: string;

beforeAll(async () => {
  workflow = parse(await fs.readFile(recipeFile, 'utf8')) as Workflow;
  project = await copyProject(path.join(repo, 'examples/playwright-basic'));
  // `npx playwright|shard` in a recipe line runs the repository's Playwright and the built CLI; any other
  // npx use fails loudly.
  npx = path.join(project, 'npx');
  await fs.writeFile(
    npx,
    [
      '#!/bin/sh',
      'case "$1" in',
      `  playwright) shift; exec "${process.execPath}" "${path.join(repo, 'node_modules/@playwright/test/cli.js')}" "$@" ;;`,
      `  shard) shift; exec "${process.execPath}" "${path.join(repo, 'packages/cli/dist/bin.js')}" "$@" ;;`,
      '  *) echo "npx $1: not expected in a recipe" >&2; exit 127 ;;',
      'esac',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
});
afterAll(removeProjects);

const lines = (job: Job) =>
  job.steps.flatMap((s) =>
    (s.run ?? '')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#')),
  );

/** A recipe line as the job runs it (bash, the job's variables), for shard `index`. */
function runLine(line: string, env: Record<string, string>, index: number) {
  const expanded = line
    .replaceAll('${{ matrix.shard }}', String(index))
    .replace(/\$\{\{ env\.(\w+) \}\}/g, '$$$1')
    .replace(/\bnpx /g, `${npx} `);
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!/^(VITEST|SHARDWISE_|PLAYWRIGHT_|PW_|GITHUB_)/.test(k)) clean[k] = v;
  return spawnSync('bash', ['-c', expanded], {
    cwd: project,
    env: { ...clean, CI: 'true', NO_COLOR: '1', SHARDS: String(workflow.env.SHARDS), ...env },
    encoding: 'utf8',
  });
}

describe('examples/ci/playwright-github-actions.yml', () => {
  it('a plan job pins the plan, shard jobs run it with SHARDWISE_PLAN, a merge job merges reports and blobs', () => {
    const { plan, test, timings } = workflow.jobs;
    expect(workflow.env.SHARDS).toBeGreaterThan(1);
    expect(lines(plan)).toContain(
      'SHARDWISE_PLAN_OUT=plan.json npx playwright test --list --shard=1/$SHARDS > /dev/null',
    );
    expect(test.env?.['SHARDWISE_PLAN']).toBe('plan.json');
    expect(lines(test)).toContain('npx playwright test --shard=${{ matrix.shard }}/${{ env.SHARDS }}');
    expect(lines(test).some((l) => /shard (plan|merge)/.test(l))).toBe(false);
    for (const upload of test.steps.filter((s) => s.uses?.startsWith('actions/upload-artifact'))) {
      expect(upload.if, JSON.stringify(upload)).toBe('always()');
    }
    expect(timings.if).toContain('always()');
    expect(lines(timings)).toContain(
      'npx shard merge --timings shard-timings.json --html report.html --junit merged.xml --markdown comment.md reports',
    );
    expect(lines(timings)).toContain('npx playwright merge-reports --reporter html ./all-blob-reports');
  });

  it("dry run: the plan job pins a plan of the suite's units; the last shard job lists exactly its units of it", async () => {
    const output = path.join(project, 'github-output');
    const planStep = workflow.jobs.plan.steps.find((s) => s.id === 'plan')!;
    for (const line of planStep.run!.split('\n').filter(Boolean)) {
      const r = runLine(line, { GITHUB_OUTPUT: output }, 1);
      expect(r.status, `${line}\n${r.stderr}`).toBe(0);
    }
    const plan = JSON.parse(await fs.readFile(path.join(project, 'plan.json'), 'utf8')) as {
      shardCount: number;
      shards: { index: number; files: string[] }[];
    };
    expect(plan.shardCount).toBe(workflow.env.SHARDS);
    expect(await fs.readFile(output, 'utf8')).toBe(
      `shards=${JSON.stringify(plan.shards.map((s) => s.index))}\n`,
    );

    const index = workflow.env.SHARDS;
    // Listed as JSON: a --reporter flag replaces the config's reporters, so it names shardwise's too.
    const command = lines(workflow.jobs.test).find((l) => l.startsWith('npx playwright test'))!;
    const line = `${command} --list --reporter=@shardwise/playwright,json`;
    const r = runLine(line, workflow.jobs.test.env!, index);
    expect(r.status, `${line}\n${r.stderr}`).toBe(0);
    expect(r.stderr).toContain('pinned by SHARDWISE_PLAN plan.json');
    const units = plan.shards.find((s) => s.index === index)!.files;
    // A listed test (`|tests/file › titles`) belongs to a unit: its file, or a test or group of it.
    const listed = testsInJsonReport(JSON.parse(r.stdout) as JsonReport, true).map(
      (t) => `tests/${t.slice(1)}`,
    );
    const unitOf = (t: string) => units.find((u) => t === u || t.startsWith(u + TITLE_SEPARATOR));
    expect(listed.filter((t) => !unitOf(t))).toEqual([]);
    expect(units.filter((u) => !listed.some((t) => unitOf(t) === u))).toEqual([]);
  });
});
