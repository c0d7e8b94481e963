/**
 * The CI files in examples/ci are documentation people copy: they must parse, and every shardwise, Jest and
 * Vitest command in them must exist with the flags they use, in the jobs that make the loop safe.
 *
 * - Shape: one plan job pins the plan (`shard plan --out plan.json`) and hands it on as an artifact; every
 *   shard job receives it and runs with SHARDWISE_PLAN; the merge job, the report uploads and the store save
 *   run when a shard failed; the store is restored by the plan and merge jobs and saved by the merge job.
 * - Dry run: each recipe's own shell lines run under bash in a copy of the matching example, with `npx` bound
 *   to the built CLI and the real runners: the plan job's lines pin a plan, and each shard job's runner
 *   command lists exactly its shard of it.
 * - A pipeline: the GitHub recipe's lines, for real, on a copy of examples/jest-basic: the plan job pins the
 *   plan, shard 2 fails, the merge job still runs and reports coverage, "Re-run failed jobs" re-runs shard 2
 *   after the store changed, and it runs its original files, so the next merge verifies coverage.
 * - The Vitest recipe's lines on a copy of examples/vitest-basic: shard jobs write blobs beside their reports,
 *   `vitest --merge-reports` joins the blobs (and writes no shardwise report), and `shard merge` verifies.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseCommandLine } from '../packages/cli/src/options.js';
import { startRedis } from './redis-server.js';

const repo = path.resolve(import.meta.dirname, '..');
const ciDir = path.join(repo, 'examples/ci');
const bins = {
  shard: path.join(repo, 'packages/cli/dist/bin.js'),
  jest: path.join(repo, 'node_modules/jest/bin/jest.js'),
  vitest: path.join(repo, 'node_modules/vitest/vitest.mjs'),
};

// ---------------------------------------------------------------------------------------------------------
// Reading the recipes

/** The value at a path in parsed YAML, or undefined. */
function at(node: unknown, ...keys: (string | number)[]): unknown {
  let value = node;
  for (const key of keys) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

const list = (node: unknown): unknown[] => (Array.isArray(node) ? node : []);
const text = (node: unknown): string => (typeof node === 'string' ? node : (JSON.stringify(node) ?? ''));

/** Every shell line under `run`, `script` or `command` keys, anywhere in the node. */
function shellLines(node: unknown, key = ''): string[] {
  if (typeof node === 'string') {
    if (!['run', 'script', 'command'].includes(key)) return [];
    return node
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
  }
  if (Array.isArray(node)) return node.flatMap((item) => shellLines(item, key));
  if (node !== null && typeof node === 'object') {
    return Object.entries(node).flatMap(([k, v]) => shellLines(v, ['script', 'run'].includes(key) ? key : k));
  }
  return [];
}

/** The simple commands of a line: pipeline stages and the insides of `<(…)`. */
function simpleCommands(line: string): string[] {
  const inner = [...line.matchAll(/<\(([^)]*)\)/g)].map((m) => m[1]!);
  const outer = line.replace(/<\([^)]*\)/g, '-');
  return [...outer.split('|'), ...inner].map((c) => c.trim()).filter(Boolean);
}

interface Job {
  /** The job's shell lines, in order. */
  lines: string[];
  /** The variables the job sets for its commands. */
  env: Record<string, string>;
}

interface Recipe {
  file: string;
  /** The example whose runner the recipe uses. */
  example: 'jest-basic' | 'vitest-basic';
  text: string;
  doc: unknown;
  shards: number;
  plan: Job;
  shard: Job;
  merge: Job;
}

function job(node: unknown, envKey: string): Job {
  const env = at(node, envKey);
  return {
    lines: shellLines(node),
    env: Object.fromEntries(
      Object.entries(env && typeof env === 'object' ? env : {}).map(([k, v]) => [k, text(v)]),
    ),
  };
}

async function readRecipe(file: string): Promise<Recipe> {
  const source = await fs.readFile(path.join(ciDir, file), 'utf8');
  // GitLab configs share settings with YAML merge keys (`<<: *anchor`).
  const doc: unknown = parse(source, { merge: true });
  const base = { file, text: source, doc };
  if (file === 'github-actions.yml' || file === 'vitest-github-actions.yml') {
    return {
      ...base,
      example: file === 'github-actions.yml' ? 'jest-basic' : 'vitest-basic',
      shards: Number(at(doc, 'env', 'SHARDS')),
      plan: job(at(doc, 'jobs', 'plan'), 'env'),
      shard: job(at(doc, 'jobs', 'test'), 'env'),
      merge: job(at(doc, 'jobs', 'timings'), 'env'),
    };
  }
  if (file === 'gitlab-ci.yml') {
    return {
      ...base,
      example: 'vitest-basic',
      shards: Number(at(doc, 'variables', 'SHARDS')),
      plan: job(at(doc, 'plan'), 'variables'),
      shard: job(at(doc, 'test'), 'variables'),
      merge: job(at(doc, 'timings'), 'variables'),
    };
  }
  return {
    ...base,
    example: 'jest-basic',
    shards: Number(at(doc, 'parameters', 'shards', 'default')),
    plan: job(at(doc, 'jobs', 'plan'), 'environment'),
    shard: job(at(doc, 'jobs', 'test'), 'environment'),
    merge: job(at(doc, 'jobs', 'timings'), 'environment'),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Running a recipe's lines

const made: string[] = [];
let fakeBin = '';

/** A directory of its own that afterAll removes. */
async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shardwise-ci-'));
  made.push(dir);
  return dir;
}

beforeAll(async () => {
  // `npx shard|jest|vitest` in a recipe line runs the built CLI and the repository's runners: no network, no
  // npm start-up, and any other npx use fails loudly.
  fakeBin = await tempDir();
  const cases = Object.entries(bins)
    .map(([name, bin]) => `  ${name}) shift; exec "${process.execPath}" "${bin}" "$@" ;;`)
    .join('\n');
  await fs.writeFile(
    path.join(fakeBin, 'npx'),
    `#!/bin/sh\ncase "$1" in\n${cases}\n  *) echo "npx $1: not expected in a recipe" >&2; exit 127 ;;\nesac\n`,
    { mode: 0o755 },
  );
});

afterAll(async () => {
  await Promise.all(made.map((dir) => fs.rm(dir, { recursive: true, force: true })));
});

/** A copy of an example, sharing the repository's node_modules; no reports, no store unless asked. */
async function copyExample(example: string, options: { store?: boolean } = {}): Promise<string> {
  const project = path.join(await tempDir(), example);
  await fs.cp(path.join(repo, 'examples', example), project, {
    recursive: true,
    filter: (src) => !/(node_modules|\.shardwise)$/.test(src),
  });
  await fs.symlink(path.join(repo, 'node_modules'), path.join(project, 'node_modules'), 'dir');
  if (options.store === false) await fs.rm(path.join(project, 'shard-timings.json'));
  return project;
}

/** CI template syntax in a line, as the CI expands it for shard `index` (1-based). */
function expand(line: string, recipe: Recipe, index: number): string {
  return line
    .replaceAll('${{ matrix.shard }}', String(index))
    .replace(/\$\{\{ env\.(\w+) \}\}/g, '$$$1')
    .replaceAll('<< pipeline.parameters.shards >>', String(recipe.shards));
}

/** Variables of CI and of shardwise from the machine running this test, which would change what a job does. */
const foreign = /^(GITHUB_|GITLAB_CI|CI_|CIRCLE|BUILDKITE|SEMAPHORE|SYSTEM_|BITBUCKET_|SHARDWISE_)/;

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one of a recipe's lines as its job would, as shard `index`: bash, the job's variables, CI's own. */
function runLine(
  line: string,
  recipe: Recipe,
  jobEnv: Record<string, string>,
  cwd: string,
  index = 1,
): Result {
  const env: Record<string, string> = { NO_COLOR: '1' };
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !foreign.test(k)) env[k] = v;
  Object.assign(env, {
    PATH: `${fakeBin}${path.delimiter}${process.env.PATH ?? ''}`,
    SHARDS: String(recipe.shards),
    CI_NODE_INDEX: String(index),
    CI_NODE_TOTAL: String(recipe.shards),
    CIRCLE_NODE_INDEX: String(index - 1),
    CIRCLE_NODE_TOTAL: String(recipe.shards),
    GITHUB_OUTPUT: path.join(cwd, '.github-output'),
    ...jobEnv,
  });
  const result = spawnSync('bash', ['-eo', 'pipefail', '-c', expand(line, recipe, index)], {
    cwd,
    env,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A job's lines in order, as a CI machine runs them (dependencies are already installed here). */
function runJob(recipe: Recipe, which: Job, cwd: string, index = 1): Result[] {
  return which.lines
    .filter((line) => !/^npm (ci|install)\b/.test(line))
    .map((line) => runLine(line, recipe, which.env, cwd, index));
}

/** The shard job's runner command. */
function runnerLine(recipe: Recipe): string {
  const lines = recipe.shard.lines.filter((l) => /^npx (jest|vitest run) --shard=/.test(l));
  expect(lines, recipe.file).toHaveLength(1);
  return lines[0]!;
}

interface PlanFile {
  format: string;
  shardCount: number;
  fingerprint: string;
  shards: { index: number; files: string[] }[];
}

const readJson = async <T>(file: string): Promise<T> => JSON.parse(await fs.readFile(file, 'utf8')) as T;
const sorted = (files: Iterable<string>) => [...files].sort();

// ---------------------------------------------------------------------------------------------------------

const files = ['github-actions.yml', 'vitest-github-actions.yml', 'gitlab-ci.yml', 'circleci.yml'];

describe.each(files)('examples/ci/%s', (file) => {
  let recipe: Recipe;

  beforeAll(async () => {
    recipe = await readRecipe(file);
  });

  it('parses as YAML: a plan job pins the plan, shard jobs run it with SHARDWISE_PLAN, a merge job merges', () => {
    expect(recipe.shards).toBeGreaterThan(1);
    expect(
      recipe.plan.lines.some((l) =>
        /\bnpx shard plan --shards \S+ --out plan\.json\b/.test(expand(l, recipe, 1)),
      ),
    ).toBe(true);
    expect(recipe.shard.env.SHARDWISE_PLAN).toBe('plan.json');
    expect(runnerLine(recipe)).toMatch(/--passWithNoTests/);
    expect(recipe.merge.lines.some((l) => l.startsWith('npx shard merge '))).toBe(true);
    // The merge job writes the run for people and CI tabs: the HTML report, one JUnit XML, the comment.
    expect(
      recipe.merge.lines.some((l) =>
        /^npx shard merge .*--html report\.html --junit \S*merged\.xml --markdown comment\.md /.test(l),
      ),
    ).toBe(true);
    // Only the plan job plans and only the merge job merges; a shard job never pins a plan of its own.
    expect(recipe.shard.lines.some((l) => /shard (plan|merge)/.test(l))).toBe(false);
  });

  it('calls `shard` only with commands and flags that exist', () => {
    const commands = [recipe.plan, recipe.shard, recipe.merge]
      .flatMap((j) => j.lines)
      .flatMap(simpleCommands)
      .map((c) => expand(c, recipe, 1))
      .filter((c) => c.startsWith('npx shard '));
    expect(commands.length).toBeGreaterThan(1);
    for (const command of commands) {
      const argv = command.split(/\s+/).slice(2);
      expect(() => parseCommandLine(argv), command).not.toThrow();
      expect(parseCommandLine(argv).command, command).toBeDefined();
    }
  });

  it("dry run: the plan job pins a plan over the runner's files; each shard job lists exactly its shard", async () => {
    const project = await copyExample(recipe.example);
    for (const [i, r] of runJob(recipe, recipe.plan, project).entries()) {
      expect(r.status, `${recipe.plan.lines[i]}\n${r.stderr}`).toBe(0);
    }
    const plan = await readJson<PlanFile>(path.join(project, 'plan.json'));
    expect(plan).toMatchObject({ format: 'shardwise-plan', shardCount: recipe.shards });
    expect(plan.shards.flatMap((s) => s.files)).toHaveLength(32);

    // The runner command of the shard job, made to list its files instead of running them.
    const line = runnerLine(recipe);
    const listing = line.startsWith('npx jest ')
      ? `${line} --listTests`
      : line.replace('npx vitest run', 'npx vitest list');
    // The last shard: the index conversion (CircleCI counts from 0) and the count both show there.
    for (const index of [recipe.shards]) {
      const r = runLine(listing, recipe, recipe.shard.env, project, index);
      expect(r.status, `${listing}\n${r.stderr}`).toBe(0);
      expect(r.stderr, listing).toContain(`pinned by SHARDWISE_PLAN plan.json`);
      const listed = new Set(
        r.stdout
          .split('\n')
          .filter((l) => /\.test\.[jt]s/.test(l))
          .map((l) =>
            path
              .relative(project, path.resolve(project, l.split(' > ')[0]!))
              .split(path.sep)
              .join('/'),
          ),
      );
      expect(sorted(listed), `${listing} as shard ${index}`).toEqual(sorted(plan.shards[index - 1]!.files));
    }
  });
});

describe.each(['github-actions.yml', 'vitest-github-actions.yml'])(
  'examples/ci/%s: the jobs around the pinned plan',
  (file) => {
    let doc: unknown;
    const steps = (j: string) => list(at(doc, 'jobs', j, 'steps'));
    const uses = (j: string, action: string) =>
      steps(j).filter((s) => text(at(s, 'uses')).startsWith(action));

    beforeAll(async () => {
      ({ doc } = await readRecipe(file));
    });

    it('the plan job restores the store, pins the plan and uploads it; the matrix comes from its output', () => {
      expect(uses('plan', 'actions/cache/restore')).toHaveLength(1);
      expect(at(uses('plan', 'actions/upload-artifact')[0], 'with')).toMatchObject({
        name: 'shardwise-plan',
        path: 'plan.json',
      });
      expect(at(doc, 'jobs', 'plan', 'outputs', 'shards')).toBe('${{ steps.plan.outputs.shards }}');
      // The shard count is written once (env.SHARDS); the matrix is the plan's list of shards.
      expect(at(doc, 'jobs', 'test', 'needs')).toBe('plan');
      expect(at(doc, 'jobs', 'test', 'strategy')).toEqual({
        'fail-fast': false,
        matrix: { shard: '${{ fromJSON(needs.plan.outputs.shards) }}' },
      });
    });

    it('every shard job (and a re-run of one) downloads the plan before the runner; it needs no store', () => {
      const all = steps('test');
      const download = all.findIndex(
        (s) => at(s, 'uses') === 'actions/download-artifact@v4' && at(s, 'with', 'name') === 'shardwise-plan',
      );
      const runner = all.findIndex((s) => /^npx (jest|vitest run) --shard=/.test(text(at(s, 'run'))));
      expect(download).toBeGreaterThanOrEqual(0);
      expect(runner).toBeGreaterThan(download);
      expect(uses('test', 'actions/cache')).toHaveLength(0);
    });

    it('after a failed shard, the report upload, the merge job and the store save still run', () => {
      const upload = uses('test', 'actions/upload-artifact')[0];
      expect(at(upload, 'if')).toBe('always()');
      expect(at(doc, 'jobs', 'timings', 'needs')).toEqual(['plan', 'test']);
      expect(text(at(doc, 'jobs', 'timings', 'if'))).toMatch(/^always\(\)/);
      // The store and the flaky history: each restored once and saved even after a failure.
      const cached = (action: string, file: string) =>
        uses('timings', action).filter((s) => at(s, 'with', 'path') === file);
      for (const file of ['shard-timings.json', 'shard-history.json']) {
        expect(cached('actions/cache/restore', file)).toHaveLength(1);
        const save = cached('actions/cache/save', file)[0];
        expect(at(save, 'if')).toBe('always()');
        // A re-run's merge saves under a key of its own (a cache key cannot be overwritten).
        expect(text(at(save, 'with', 'key'))).toContain('${{ github.run_attempt }}');
      }
      // A re-run within GitHub's 30 days still finds the plan and the other shards' reports.
      for (const u of [...uses('plan', 'actions/upload-artifact'), upload]) {
        expect(Number(at(u, 'with', 'retention-days') ?? 90)).toBeGreaterThanOrEqual(30);
        // "Re-run failed jobs" uploads under the same name in the same run: upload-artifact@v4 refuses a
        // second artifact of one name (409 Conflict) unless told to replace it.
        expect(at(u, 'with', 'overwrite')).toBe(true);
      }
    });
  },
);

describe('examples/ci/gitlab-ci.yml: the jobs around the pinned plan', () => {
  let doc: unknown;
  const storeCaches = (j: string) =>
    list(at(doc, j, 'cache')).filter((c) => list(at(c, 'paths')).includes('shard-timings.json'));

  beforeAll(async () => {
    ({ doc } = await readRecipe('gitlab-ci.yml'));
  });

  it('the plan job pins the plan as an artifact in a stage before the shard jobs, which need it', () => {
    expect(at(doc, 'stages')).toEqual(['plan', 'test', 'timings']);
    expect(at(doc, 'plan', 'artifacts', 'paths')).toEqual(['plan.json']);
    expect(at(doc, 'test', 'needs')).toEqual(['plan']);
    // One count: the shard jobs' `parallel:` is the SHARDS anchor.
    expect(at(doc, 'test', 'parallel')).toBe(at(doc, 'variables', 'SHARDS'));
    expect(storeCaches('test')).toHaveLength(0);
  });

  it("the store: read by the plan job, saved by the timings job even after a failure, new branches fall back to the default branch's", () => {
    expect(storeCaches('plan')).toMatchObject([{ policy: 'pull' }]);
    expect(storeCaches('timings')).toMatchObject([{ policy: 'pull-push', when: 'always' }]);
    for (const cache of [...storeCaches('plan'), ...storeCaches('timings')]) {
      expect(cache).toMatchObject({
        key: 'shard-timings-$CI_COMMIT_REF_SLUG',
        fallback_keys: ['shard-timings-$CI_DEFAULT_BRANCH'],
        unprotect: true,
      });
    }
  });

  it('after a failed shard, its report is kept and the timings job still runs', () => {
    expect(at(doc, 'test', 'artifacts', 'when')).toBe('always');
    expect(at(doc, 'timings', 'when')).toBe('always');
    expect(at(doc, 'timings', 'needs')).toEqual([{ job: 'test', artifacts: true }]);
  });
});

describe('examples/ci/circleci.yml: the jobs around the pinned plan', () => {
  let doc: unknown;
  const steps = (j: string) => list(at(doc, 'jobs', j, 'steps'));
  const step = (j: string, name: string) => steps(j).filter((s) => s === name || at(s, name) !== undefined);

  beforeAll(async () => {
    ({ doc } = await readRecipe('circleci.yml'));
  });

  it('the plan job restores the store and persists the plan; the shard containers attach it', () => {
    expect(step('plan', 'restore_cache')).toHaveLength(1);
    expect(at(step('plan', 'persist_to_workspace')[0], 'persist_to_workspace', 'paths')).toEqual([
      'plan.json',
    ]);
    expect(at(doc, 'jobs', 'test', 'parallelism')).toBe('<< pipeline.parameters.shards >>');
    const all = steps('test');
    const attach = all.findIndex((s) => at(s, 'attach_workspace') !== undefined);
    const runner = all.findIndex((s) => /^npx jest --shard=/.test(text(at(s, 'run'))));
    expect(attach).toBeGreaterThanOrEqual(0);
    expect(runner).toBeGreaterThan(attach);
    expect(step('test', 'restore_cache')).toHaveLength(0);
  });

  it('after a failed shard, the reports persist, the merge job runs and the store is saved', () => {
    expect(at(step('test', 'persist_to_workspace')[0], 'persist_to_workspace', 'when')).toBe('always');
    const workflow = list(at(doc, 'workflows', 'tests', 'jobs'));
    expect(workflow).toContainEqual({ test: { requires: ['plan'] } });
    expect(workflow).toContainEqual({ timings: { requires: [{ test: ['success', 'failed'] }] } });
    // The store and the flaky history: each restored once and saved even after a failure.
    expect(step('timings', 'restore_cache').map((s) => text(at(s, 'restore_cache', 'keys', 0)))).toEqual([
      'shard-timings-{{ .Branch }}-',
      'shard-history-{{ .Branch }}-',
    ]);
    for (const save of step('timings', 'save_cache')) expect(at(save, 'save_cache', 'when')).toBe('always');
    expect(step('timings', 'save_cache').map((s) => text(at(s, 'save_cache', 'paths', 0)))).toEqual([
      'shard-timings.json',
      'shard-history.json',
    ]);
  });
});

describe('a pipeline of the GitHub recipe on examples/jest-basic: a failed shard, then a re-run of it', () => {
  let recipe: Recipe;
  let project: string;
  let artifacts: string;
  let plan: PlanFile;
  /** Attempt 1's report of each shard, as uploaded. */
  const reportOf = new Map<number, string>();

  /** The shard job `index` of attempt `attempt`: a clean workspace, the runner line, the upload. */
  async function shardJob(index: number, attempt: number, extraEnv: Record<string, string> = {}) {
    await fs.rm(path.join(project, '.shardwise'), { recursive: true, force: true });
    const result = runLine(runnerLine(recipe), recipe, { ...recipe.shard.env, ...extraEnv }, project, index);
    const uploaded = path.join(artifacts, `attempt-${attempt}`, `shardwise-report-${index}`);
    await fs.cp(path.join(project, '.shardwise/reports'), uploaded, { recursive: true });
    const [report] = await fs.readdir(uploaded);
    return { result, report: path.join(uploaded, report!) };
  }

  /** The merge job: download every report (newer attempts over older, as merge-multiple does), merge. */
  async function mergeJob(cwd: string, skip: number[] = []) {
    const reports = path.join(cwd, 'reports');
    await fs.rm(reports, { recursive: true, force: true });
    await fs.mkdir(reports, { recursive: true });
    for (const attempt of sorted(await fs.readdir(artifacts))) {
      for (const name of await fs.readdir(path.join(artifacts, attempt))) {
        if (skip.some((i) => name === `shardwise-report-${i}`)) continue;
        await fs.cp(path.join(artifacts, attempt, name), reports, { recursive: true });
      }
    }
    const results = runJob(recipe, recipe.merge, cwd);
    expect(results).toHaveLength(1);
    return { ...results[0]!, reports: await fs.readdir(reports) };
  }

  const filesRun = async (report: string) =>
    sorted((await readJson<{ files: { file: string }[] }>(report)).files.map((f) => f.file));

  beforeAll(async () => {
    recipe = await readRecipe('github-actions.yml');
    // The first pipeline of a project: no store yet, so the plan is by estimate.
    project = await copyExample('jest-basic', { store: false });
    artifacts = await tempDir();
    // Waits 20× shorter than the example's (the test stays quick; real durations now differ from any
    // store), and a failure on demand.
    await fs.writeFile(
      path.join(project, 'support/workload.js'),
      `function simulate(ms) {
  if (process.env.SIMULATED_FAILURE) throw new Error('simulated failure');
  return new Promise((resolve) => setTimeout(resolve, Math.ceil(ms / 20)));
}
module.exports = { simulate };
`,
    );

    // The plan job: pins the plan, writes the matrix, uploads plan.json.
    for (const r of runJob(recipe, recipe.plan, project)) expect(r.status, r.stderr).toBe(0);
    plan = await readJson<PlanFile>(path.join(project, 'plan.json'));
    expect(await fs.readFile(path.join(project, '.github-output'), 'utf8')).toBe(
      `shards=${JSON.stringify(plan.shards.map((s) => s.index))}\n`,
    );

    // Attempt 1: every shard job runs its shard of the pinned plan; shard 2's tests fail.
    for (let index = 1; index <= recipe.shards; index++) {
      const { result, report } = await shardJob(index, 1, index === 2 ? { SIMULATED_FAILURE: '1' } : {});
      expect(result.status, result.stderr).toBe(index === 2 ? 1 : 0);
      reportOf.set(index, report);
      expect(await filesRun(report)).toEqual(sorted(plan.shards[index - 1]!.files));
    }
  });

  it('a shard failed: the merge job still runs, folds in what ran and reports the coverage state', async () => {
    // The jobs that make this path exist in the recipe (the other recipes: their own describe blocks).
    expect(text(at(recipe.doc, 'jobs', 'timings', 'if'))).toContain('always()');
    expect(
      list(at(recipe.doc, 'jobs', 'test', 'steps')).filter((s) => at(s, 'if') === 'always()'),
    ).toHaveLength(1);

    // A shard whose tests failed still sent its report: every planned file ran once, and the store learns.
    const merged = await mergeJob(project);
    expect(merged.status, merged.stderr).toBe(0);
    expect(merged.reports).toHaveLength(recipe.shards);
    expect(merged.stdout).toContain(
      `Coverage verified: all 32 planned files ran exactly once across ${recipe.shards} shard(s)`,
    );
    const store = await readJson<{ files: Record<string, unknown> }>(
      path.join(project, 'shard-timings.json'),
    );
    expect(Object.keys(store.files)).toHaveLength(32);
    // The run for people and CI tabs: shard 2's failures in the JUnit XML, the page, the short comment.
    expect(await fs.readFile(path.join(project, 'merged.xml'), 'utf8')).toMatch(
      /^<testsuite name="shardwise" tests="\d+" failures="[1-9]\d*" /m,
    );
    expect(await fs.readFile(path.join(project, 'report.html'), 'utf8')).toContain(
      `shard 2/${recipe.shards} · jest`,
    );
    expect(await fs.readFile(path.join(project, 'comment.md'), 'utf8')).toContain(
      '✅ Every planned test file ran exactly once.',
    );

    // A shard job that died before its report (a crash, a timeout): exit 1 naming the shard and its files,
    // and the store is still written, for the save step that runs `if: always()`.
    const scratch = await tempDir();
    const gap = await mergeJob(scratch, [2]);
    expect(gap.status).toBe(1);
    expect(gap.stdout + gap.stderr).toContain(`shard 2/${recipe.shards} sent no report`);
    expect(gap.stdout + gap.stderr).toContain(plan.shards[1]!.files[0]!);
    expect(await fs.readFile(path.join(scratch, 'comment.md'), 'utf8')).toContain(plan.shards[1]!.files[0]!);
    await expect(fs.stat(path.join(scratch, 'shard-timings.json'))).resolves.toBeTruthy();
  });

  it('"Re-run failed jobs": shard 2 runs its original files over the changed store, and the next merge verifies', async () => {
    // The merge changed the store, so planning again would give shard 2 other files: what the pin prevents.
    const replanned = runLine(`npx jest --listTests --shard=2/${recipe.shards}`, recipe, {}, project);
    expect(replanned.status, replanned.stderr).toBe(0);
    const replannedFiles = replanned.stdout
      .split('\n')
      .filter(Boolean)
      .map((f) => path.relative(project, f).split(path.sep).join('/'));
    expect(sorted(replannedFiles)).not.toEqual(sorted(plan.shards[1]!.files));

    // Attempt 2 re-runs only shard 2, with attempt 1's plan artifact (the workspace keeps plan.json).
    const before = await fs.readFile(path.join(project, 'shard-timings.json'), 'utf8');
    const { result, report } = await shardJob(2, 2);
    expect(result.status, result.stderr).toBe(0);
    expect(await filesRun(report)).toEqual(await filesRun(reportOf.get(2)!));
    // Same plan, same shard: the same file name, so the download holds one report per shard.
    expect(path.basename(report)).toBe(path.basename(reportOf.get(2)!));

    const merged = await mergeJob(project);
    expect(merged.status, merged.stderr).toBe(0);
    expect(merged.reports).toHaveLength(recipe.shards);
    expect(merged.stdout).toContain(
      `Coverage verified: all 32 planned files ran exactly once across ${recipe.shards} shard(s)`,
    );
    expect(await fs.readFile(path.join(project, 'shard-timings.json'), 'utf8')).not.toBe(before);
  });
});

describe('a pipeline of the Vitest recipe on examples/vitest-basic: blobs and shardwise reports side by side', () => {
  let recipe: Recipe;
  let project: string;
  let artifacts: string;
  let plan: PlanFile;

  beforeAll(async () => {
    recipe = await readRecipe('vitest-github-actions.yml');
    project = await copyExample('vitest-basic');
    artifacts = await tempDir();
    // Waits 20× shorter than the example's: the test stays quick.
    await fs.writeFile(
      path.join(project, 'support/workload.ts'),
      `export function simulate(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.ceil(ms / 20)));
}
`,
    );
    for (const r of runJob(recipe, recipe.plan, project)) expect(r.status, r.stderr).toBe(0);
    plan = await readJson<PlanFile>(path.join(project, 'plan.json'));

    // Each shard job starts clean and uploads both folders under shard-I, as the recipe's upload step does.
    for (let index = 1; index <= recipe.shards; index++) {
      for (const dir of ['.shardwise', '.vitest-reports']) {
        await fs.rm(path.join(project, dir), { recursive: true, force: true });
      }
      const result = runLine(runnerLine(recipe), recipe, recipe.shard.env, project, index);
      expect(result.status, result.stderr).toBe(0);
      for (const dir of ['.shardwise/reports', '.vitest-reports']) {
        await fs.cp(path.join(project, dir), path.join(artifacts, `shard-${index}`, dir), {
          recursive: true,
        });
      }
    }
  });

  it('the merge job joins the blobs into one Vitest report, writes no shardwise report, and proves coverage', async () => {
    // The merge job's checkout (at the same path, as on a CI machine: blobs name files by absolute path),
    // with every shard's artifact downloaded into it (merge-multiple).
    const merge = project;
    for (const dir of ['.shardwise', '.vitest-reports']) {
      await fs.rm(path.join(merge, dir), { recursive: true, force: true });
    }
    for (let index = 1; index <= recipe.shards; index++) {
      await fs.cp(path.join(artifacts, `shard-${index}`), merge, { recursive: true });
    }
    const reports = path.join(merge, '.shardwise/reports');
    const before = sorted(await fs.readdir(reports));
    expect(before).toHaveLength(plan.shards.length);
    expect(await fs.readdir(path.join(merge, '.vitest-reports'))).toHaveLength(plan.shards.length);

    const [vitestMerge, shardMerge, ...rest] = runJob(recipe, recipe.merge, merge);
    expect(rest).toHaveLength(0);
    expect(vitestMerge!.status, vitestMerge!.stdout + vitestMerge!.stderr).toBe(0);
    expect(vitestMerge!.stdout).toMatch(/Test Files\s+32 passed \(32\)/);
    // `vitest --merge-reports` re-reports what the shards recorded: the plugin plans nothing, records nothing.
    expect(sorted(await fs.readdir(reports))).toEqual(before);
    expect(shardMerge!.status, shardMerge!.stderr).toBe(0);
    expect(shardMerge!.stdout).toContain(
      `Coverage verified: all 32 planned files ran exactly once across ${plan.shards.length} shard(s)`,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// Queue mode recipes

describe.each([
  ['queue-github-actions.yml', 'jobs', 'env', { GITHUB_RUN_ID: '1001', GITHUB_RUN_ATTEMPT: '1' }],
  ['queue-gitlab-ci.yml', '', 'variables', { CI_PIPELINE_ID: '2002' }],
] as const)('examples/ci/%s', (file, jobsKey, envKey, ciEnv) => {
  let recipe: Recipe;
  beforeAll(async () => {
    const source = await fs.readFile(path.join(ciDir, file), 'utf8');
    const doc: unknown = parse(source, { merge: true });
    const jobs = jobsKey ? at(doc, jobsKey) : doc;
    recipe = {
      file,
      text: source,
      doc,
      example: 'jest-basic',
      shards: Number(at(doc, envKey === 'env' ? 'env' : 'variables', 'SHARDS')),
      plan: job(at(jobs, 'plan'), envKey),
      shard: job(at(jobs, 'test'), envKey),
      merge: job(at(jobs, 'timings'), envKey),
    };
  });

  it('the test jobs run `shard run --queue` with the URL from a secret; every `shard` command exists', () => {
    expect(recipe.shards).toBeGreaterThan(1);
    expect(recipe.shard.lines.filter((l) => l.includes('shard run --queue'))).toHaveLength(1);
    expect(recipe.text).toMatch(
      /SHARDWISE_QUEUE: \$\{\{ secrets\.SHARDWISE_QUEUE \}\}|masked CI\/CD variable SHARDWISE_QUEUE/,
    );
    const commands = [recipe.plan, recipe.shard, recipe.merge]
      .flatMap((j) => j.lines)
      .flatMap(simpleCommands)
      .map((c) => expand(c, recipe, 1))
      .filter((c) => c.startsWith('npx shard '));
    for (const command of commands) {
      const argv = command
        .split(/\s+/)
        .slice(2, command.includes(' -- ') ? command.split(/\s+/).indexOf('--') : undefined);
      expect(parseCommandLine(argv).command, command).toBeDefined();
    }
  });

  it('dry run on a real redis-server: plan, two test jobs, status, and a merge that proves the queue', async () => {
    const server = await startRedis();
    try {
      const project = await copyExample(recipe.example);
      const env = { ...ciEnv, SHARDWISE_QUEUE: server.url };
      for (const r of runJob(recipe, recipe.plan, project)) expect(r.status, r.stderr).toBe(0);
      // The runner itself is `true` here: Jest once per batch takes minutes on a shared machine, and what is
      // checked is the recipe's queue (the plan it seeds, the run id, the reports, the proof).
      const lines = recipe.shard.lines.map((l) => l.replace(/ -- npx jest .*$/, ' -- true'));
      expect(lines.filter((l) => l.endsWith(' -- true'))).toHaveLength(1);
      for (const index of [1, 2]) {
        for (const r of runJob(recipe, { lines, env: { ...recipe.shard.env, ...env } }, project, index)) {
          expect(r.status, r.stderr).toBe(0);
        }
      }
      const merged = runJob(recipe, { ...recipe.merge, env: { ...recipe.merge.env, ...env } }, project);
      for (const r of merged) expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(merged.map((r) => r.stdout).join('')).toMatch(
        /Queue verified: all 32 units of run \S+ \(plan [0-9a-f]{8}\) acknowledged exactly once/,
      );
    } finally {
      await server.stop();
    }
  });
});
