/**
 * The two-stage recipes of examples/ci for `shard plan --changed` (plan → matrix → merge), read and dry-run
 * as the recipes of ci-files.test.ts are: their shell lines run under bash in a git copy of
 * examples/vitest-basic whose branch changed one test file, with `npx` bound to the built CLI and the real
 * Vitest. The plan job selects and pins; the fan-out (GitHub's matrix, GitLab's child pipeline) has the
 * plan's count; each job runs its shard of the selection; the merge proves every selected file ran once.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseCommandLine } from '../packages/cli/src/options.js';

const repo = path.resolve(import.meta.dirname, '..');
const ci = (file: string) => path.join(repo, 'examples/ci', file);
const CHANGED = 'test/lib/permissions.test.ts';

type Node = Record<string, unknown>;
const get = (node: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>((n, k) => (n && typeof n === 'object' ? (n as Node)[k] : undefined), node);

/** A job's shell lines (`run:` of its steps, or its `script:`), without the install and fetch steps. */
function linesOf(job: unknown): string[] {
  const steps = (get(job, 'steps') as Node[] | undefined) ?? [];
  const blocks = steps.length > 0 ? steps.map((s) => s['run']) : [get(job, 'script')].flat();
  return blocks
    .flatMap((b) => (typeof b === 'string' ? b.split('\n') : []))
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^(npm ci|git fetch)\b/.test(l));
}

let temp = '';
let npx = '';

beforeAll(async () => {
  temp = await fs.mkdtemp(path.join(os.tmpdir(), 'shardwise-ci-changed-'));
  npx = path.join(temp, 'bin');
  await fs.mkdir(npx);
  const shard = path.join(repo, 'packages/cli/dist/bin.js');
  const vitest = path.join(repo, 'node_modules/vitest/vitest.mjs');
  await fs.writeFile(
    path.join(npx, 'npx'),
    `#!/bin/sh\ncmd="$1"; shift\nif [ "$cmd" = shard ]; then exec "${process.execPath}" "${shard}" "$@"; fi\n` +
      `if [ "$cmd" = vitest ]; then exec "${process.execPath}" "${vitest}" "$@"; fi\necho "npx $cmd: unexpected" >&2; exit 127\n`,
    { mode: 0o755 },
  );
});

afterAll(() => fs.rm(temp, { recursive: true, force: true }));

/** examples/vitest-basic in a git repository: `origin/main` at the first commit, a branch that changed one test. */
async function checkout(name: string): Promise<string> {
  const dir = path.join(temp, name);
  await fs.cp(path.join(repo, 'examples/vitest-basic'), dir, {
    recursive: true,
    filter: (src) => !/(node_modules|\.shardwise)$/.test(src),
  });
  await fs.symlink(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  await fs.writeFile(path.join(dir, '.gitignore'), 'node_modules\n.shardwise\nplan.json\nshards.yml\n');
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], { cwd: dir });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'init');
  git('update-ref', 'refs/remotes/origin/main', 'HEAD');
  git('checkout', '-q', '-b', 'feature');
  await fs.appendFile(path.join(dir, CHANGED), '// changed\n');
  git('commit', '-qam', 'change one test');
  return dir;
}

/** One shell line as a CI job runs it: bash, the job's variables, no CI variables of this machine. */
function sh(line: string, cwd: string, env: Record<string, string> = {}): string {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(VITEST|SHARDWISE_|GITHUB_|GITLAB|CI_|CI$|NODE_OPTIONS$)/.test(k)) base[k] = v;
  }
  const r = spawnSync('bash', ['-eo', 'pipefail', '-c', line], {
    cwd,
    encoding: 'utf8',
    env: { ...base, NO_COLOR: '1', PATH: `${npx}${path.delimiter}${process.env['PATH']}`, ...env },
  });
  expect(r.status, `${line}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout + r.stderr;
}

interface Pinned {
  shardCount: number;
  shards: { files: string[] }[];
  selection: { leftOut: string[] };
}
const pinned = async (dir: string) =>
  JSON.parse(await fs.readFile(path.join(dir, 'plan.json'), 'utf8')) as Pinned;

/** Every `npx shard` command of the lines parses with the CLI's own option table. */
function expectKnownCommands(lines: string[]): void {
  const commands = lines.filter((l) => l.startsWith('npx shard '));
  expect(commands.length).toBeGreaterThan(1);
  for (const command of commands) {
    const argv = command
      .replace(/\s*>.*$/, '')
      .split(/\s+/)
      .slice(2);
    expect(parseCommandLine(argv).command, command).toBeDefined();
  }
}

describe('examples/ci/github-actions-changed.yml', () => {
  it('dry run: the plan job selects, sizes and writes the matrix; each matrix job runs its shard; the merge proves it', async () => {
    const doc: unknown = parse(await fs.readFile(ci('github-actions-changed.yml'), 'utf8'));
    const [plan, test, timings] = ['plan', 'test', 'timings'].map((j) => get(doc, 'jobs', j));
    expect(get(plan, 'outputs', 'matrix')).toBe('${{ steps.plan.outputs.matrix }}');
    expect(get(test, 'strategy', 'matrix')).toBe('${{ fromJSON(needs.plan.outputs.matrix) }}');
    expect(get(test, 'env', 'SHARDWISE_PLAN')).toBe('plan.json');
    expect(get((get(plan, 'steps') as Node[])[0], 'with', 'fetch-depth')).toBe(0);
    expectKnownCommands([plan, test, timings].flatMap(linesOf));

    const dir = await checkout('github');
    const output = path.join(dir, '.github-output');
    for (const line of linesOf(plan))
      sh(line.replaceAll('${{ github.base_ref }}', 'main'), dir, { GITHUB_OUTPUT: output });
    const plan1 = await pinned(dir);
    expect(plan1.shards.flatMap((s) => s.files)).toEqual([CHANGED]);
    expect(plan1.selection.leftOut).toHaveLength(31);
    const matrix = /^matrix=(.*)$/m.exec(await fs.readFile(output, 'utf8'))![1]!;
    const shards = (JSON.parse(matrix) as { shard: string[] }).shard;
    expect(shards).toHaveLength(plan1.shardCount);

    const runner = linesOf(test).filter((l) => l.startsWith('npx vitest run'));
    expect(runner).toHaveLength(1);
    for (const spec of shards) {
      const out = sh(runner[0]!.replaceAll('${{ matrix.shard }}', spec), dir, {
        SHARDWISE_PLAN: 'plan.json',
      });
      expect(out).toContain('pinned by SHARDWISE_PLAN plan.json');
    }
    await fs.cp(path.join(dir, '.shardwise/reports'), path.join(dir, 'reports'), { recursive: true });
    const merged = linesOf(timings).map((l) => sh(l, dir));
    expect(merged.join('')).toContain('Coverage verified: all 1 planned files ran exactly once');
    expect(merged.join('')).toContain(
      '31 test file(s) left out: none depends on the change since origin/main',
    );
  });
});

describe('examples/ci/gitlab-ci-changed.yml', () => {
  it('dry run: the plan job writes a child pipeline with the chosen count; its jobs run the selection; its merge proves it', async () => {
    const doc: unknown = parse(await fs.readFile(ci('gitlab-ci-changed.yml'), 'utf8'));
    const template: unknown = parse(await fs.readFile(ci('gitlab-shardwise-test.yml'), 'utf8'));
    expect(get(doc, 'variables', 'GIT_DEPTH')).toBe(0);
    expect(get(doc, 'test', 'trigger', 'include')).toEqual([{ artifact: 'shards.yml', job: 'plan' }]);
    expect(get(template, '.shardwise-test', 'variables', 'SHARDWISE_PLAN')).toBe('plan.json');
    expectKnownCommands(
      [get(doc, 'plan'), get(template, '.shardwise-test'), get(template, 'timings')].flatMap(linesOf),
    );

    const dir = await checkout('gitlab');
    for (const line of linesOf(get(doc, 'plan')))
      sh(line, dir, { CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main' });
    const plan = await pinned(dir);
    const child: unknown = parse(await fs.readFile(path.join(dir, 'shards.yml'), 'utf8'));
    expect(get(child, 'include')).toEqual([{ local: '.gitlab/shardwise-test.yml' }]);
    expect(get(child, 'shardwise-test', 'extends')).toBe('.shardwise-test');
    expect(get(child, 'shardwise-test', 'parallel')).toBe(plan.shardCount > 1 ? plan.shardCount : undefined);

    for (let index = 1; index <= plan.shardCount; index++) {
      const node: Record<string, string> =
        plan.shardCount > 1 ? { CI_NODE_INDEX: String(index), CI_NODE_TOTAL: String(plan.shardCount) } : {};
      for (const line of linesOf(get(template, '.shardwise-test')))
        sh(line, dir, { SHARDWISE_PLAN: 'plan.json', ...node });
    }
    const merged = linesOf(get(template, 'timings')).map((l) => sh(l, dir));
    expect(merged.join('')).toContain('Coverage verified: all 1 planned files ran exactly once');
  });
});
