/**
 * `shard plan --changed REF` end to end, as CI runs it: real git repositories in temp dirs, the real Vitest
 * and Jest on generated projects (each test file imports its own module; three share one more), the built
 * `shard` bin. Changing one module plans only its dependents; the lockfile, the runner's config or a setup
 * file plan all; the pinned plan's jobs run exactly the selected files and the merge proves it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDirs, runBin, tempDir, type Result } from './helpers.js';

const repo = path.resolve(import.meta.dirname, '../../..');
const MODULES = 8;

type Runner = 'vitest' | 'jest';

/** A project of `MODULES` modules and a test file each; tests 0–2 also import `src/shared`. */
function project(runner: Runner): Record<string, string> {
  const files: Record<string, string> = {
    'package.json': JSON.stringify({ name: `changed-${runner}`, private: true }),
    'package-lock.json': '{}\n',
    'README.md': '# fixture\n',
  };
  const ext = runner === 'vitest' ? 'ts' : 'js';
  for (let i = 0; i < MODULES; i++) {
    const shared = i < 3;
    if (runner === 'vitest') {
      files[`src/mod${i}.ts`] = `export const mod${i} = ${i};\n`;
      files[`test/mod${i}.test.ts`] =
        `import { expect, test } from 'vitest';\nimport { mod${i} } from '../src/mod${i}';\n` +
        (shared ? `import { shared } from '../src/shared';\n` : '') +
        `test('mod${i}', () => expect(mod${i}${shared ? ' + shared' : ''}).toBe(${shared ? i + 100 : i}));\n`;
    } else {
      files[`src/mod${i}.js`] = `exports.mod${i} = ${i};\n`;
      files[`test/mod${i}.test.js`] =
        `const { mod${i} } = require('../src/mod${i}');\n` +
        (shared ? `const { shared } = require('../src/shared');\n` : '') +
        `test('mod${i}', () => expect(mod${i}${shared ? ' + shared' : ''}).toBe(${shared ? i + 100 : i}));\n`;
    }
  }
  files[`src/shared.${ext}`] =
    runner === 'vitest' ? 'export const shared = 100;\n' : 'exports.shared = 100;\n';
  files[`test/setup.${ext}`] = runner === 'vitest' ? 'export {};\n' : '\n';
  if (runner === 'vitest') {
    files['vitest.config.ts'] =
      "import { defineConfig } from 'vitest/config';\nimport { shardwise } from '@shardwise/vitest';\n" +
      "export default defineConfig({ plugins: [shardwise()], test: { include: ['test/**/*.test.ts'], setupFiles: ['test/setup.ts'] } });\n";
  } else {
    files['jest.config.js'] =
      "module.exports = { testEnvironment: 'node', testSequencer: '@shardwise/jest', setupFiles: ['<rootDir>/test/setup.js'] };\n";
  }
  return files;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], {
    cwd,
    encoding: 'utf8',
  });
}

/** The project in a fresh git repository with one commit on `main`, and the repository's node_modules. */
async function repoOf(runner: Runner): Promise<string> {
  const dir = await tempDir(project(runner));
  await fs.writeFile(path.join(dir, '.gitignore'), 'node_modules\n.shardwise\n*.json.lock\n');
  await fs.symlink(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'init');
  return dir;
}

/** The same repository, reset to `main` with nothing changed, for the next case. */
function reset(dir: string): void {
  git(dir, 'checkout', '-q', '-f', 'main');
  git(dir, 'clean', '-qfdx', '-e', 'node_modules');
}

const shard = (cwd: string, args: string[], env: Record<string, string> = {}) =>
  runBin(args, { cwd, env: { HOME: process.env['HOME'] ?? '', NO_COLOR: '1', ...env } });

/** The runner itself, as a shard job runs it (its own variables and the outer Vitest's cleared). */
function runRunner(runner: Runner, cwd: string, args: string[], env: Record<string, string>): Result {
  const bin =
    runner === 'vitest'
      ? path.join(repo, 'node_modules/vitest/vitest.mjs')
      : path.join(repo, 'node_modules/jest/bin/jest.js');
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(VITEST|SHARDWISE_|GITHUB_|NODE_OPTIONS$)/.test(k)) clean[k] = v;
  }
  const r = spawnSync(process.execPath, [bin, ...(runner === 'vitest' ? ['run'] : []), ...args], {
    cwd,
    env: { ...clean, CI: 'true', NO_COLOR: '1', ...env },
    encoding: 'utf8',
  });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

interface PinnedPlan {
  shardCount: number;
  shards: { files: string[] }[];
  selection: { ref: string; by: string; full?: { file: string; why: string }; leftOut: string[] };
}

const readPlan = async (dir: string) =>
  JSON.parse(await fs.readFile(path.join(dir, 'plan.json'), 'utf8')) as PinnedPlan;
const planned = (plan: PinnedPlan) => plan.shards.flatMap((s) => s.files).sort();
const ok = (r: Result) => {
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
};

afterAll(removeTempDirs);

describe.each<Runner>(['vitest', 'jest'])('shard plan --changed with %s', (runner) => {
  let dir: string;
  const ext = runner === 'vitest' ? 'ts' : 'js';

  beforeAll(async () => {
    dir = await repoOf(runner);
  });

  it('a change to one module plans only the tests that import it; the jobs run exactly those and the merge proves it', async () => {
    reset(dir);
    git(dir, 'checkout', '-q', '-b', 'feature');
    await fs.appendFile(path.join(dir, `src/mod5.${ext}`), '// committed change\n');
    git(dir, 'commit', '-qam', 'change mod5');
    // Uncommitted too: the shared module, which three tests import.
    await fs.appendFile(path.join(dir, `src/shared.${ext}`), '// uncommitted change\n');
    const r = ok(await shard(dir, ['plan', '--changed', 'main', '--shards', '2', '--out', 'plan.json']));
    expect(r.stderr).toContain(
      `4 of ${MODULES} test files depend on the 2 files changed since main (by ${runner}); ${MODULES - 4} left out`,
    );
    const plan = await readPlan(dir);
    expect(planned(plan)).toEqual([0, 1, 2, 5].map((i) => `test/mod${i}.test.${ext}`));
    expect(plan.selection.leftOut).toHaveLength(MODULES - 4);

    const ran: string[] = [];
    for (const index of [1, 2]) {
      const job = runRunner(runner, dir, [`--shard=${index}/2`], { SHARDWISE_PLAN: 'plan.json' });
      expect(job.code, job.stderr + job.stdout).toBe(0);
      expect(job.stderr + job.stdout).toContain('pinned by SHARDWISE_PLAN plan.json');
      ran.push(...plan.shards[index - 1]!.files);
    }
    const merged = ok(await shard(dir, ['merge', '.shardwise/reports']));
    expect(merged.stdout).toContain(
      'Coverage verified: all 4 planned files ran exactly once across 2 shard(s)',
    );
    expect(merged.stdout).toContain(
      `${MODULES - 4} test file(s) left out: none depends on the change since main (by ${runner}); not run, and their timings kept`,
    );
    const store = JSON.parse(await fs.readFile(path.join(dir, 'shard-timings.json'), 'utf8')) as {
      files: Record<string, unknown>;
    };
    expect(Object.keys(store.files).sort()).toEqual(ran.sort());
    const history = JSON.parse(await fs.readFile(path.join(dir, 'shard-history.json'), 'utf8')) as {
      runs: { selection?: unknown }[];
    };
    expect(history.runs.at(-1)!.selection).toEqual({ ref: 'main', leftOut: MODULES - 4 });
  });

  it.each([
    ['the lockfile', 'package-lock.json', 'the lockfile'],
    ['the runner config', runner === 'vitest' ? 'vitest.config.ts' : 'jest.config.js', "a runner's config"],
    ['a setup file', `test/setup.${ext}`, `a setup file of ${runner}`],
    ['a --full-on glob', 'README.md', '--full-on *.md'],
  ])('a change to %s plans every test, and says why', async (_name, file, why) => {
    reset(dir);
    await fs.appendFile(path.join(dir, file), '\n');
    const r = ok(
      await shard(dir, ['plan', '--changed', 'main', '--shards', '2', '--full-on', '*.md', '--json']),
    );
    const plan = JSON.parse(r.stdout) as PinnedPlan;
    expect(planned(plan)).toHaveLength(MODULES);
    expect(plan.selection.full).toEqual({ file, why });
    expect(r.stderr).toContain(`all ${MODULES} test files: ${file} changed (${why})`);
  });

  it('a change no test depends on is one job that says so and passes', async () => {
    reset(dir);
    await fs.appendFile(path.join(dir, 'README.md'), 'docs only\n');
    const r = ok(await shard(dir, ['plan', '--changed', 'main', '--shards', 'auto', '--out', 'plan.json']));
    expect(r.stdout).toContain('nothing to test: no test depends on the change');
    const matrix = ok(await shard(dir, ['matrix', '--plan', 'plan.json']));
    expect(JSON.parse(matrix.stdout)).toEqual({ shard: ['1/1'] });
    const job = runRunner(runner, dir, ['--shard=1/1', '--passWithNoTests'], { SHARDWISE_PLAN: 'plan.json' });
    expect(job.code, job.stderr + job.stdout).toBe(0);
    expect(job.stderr + job.stdout).toContain('nothing to test: no test depends on the change');
  });
});

describe('shard plan --changed: input errors', () => {
  it('a ref the clone does not have (a shallow checkout) is exit 2 with the fetch that fixes it', async () => {
    const dir = await repoOf('vitest');
    const r = await shard(dir, ['plan', '--changed', 'origin/main', '--shards', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      'error --changed origin/main: no such commit in this clone (a shallow checkout?); fetch it: `git fetch origin main`, or check out the whole history (actions/checkout with fetch-depth: 0)',
    ]);
  });

  it.each([
    [['--full-on', 'x'], '--full-on is for --changed REF; pass both'],
    [['--shards', '2', '--target', '5m'], '--target is for --shards auto; pass both'],
  ])('%j is a usage error', async (args, message) => {
    const dir = await tempDir();
    const r = await shard(dir, ['plan', '--shards', '2', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});

describe('--shards auto and shard matrix', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await repoOf('vitest');
    // A store with a learned wall model: 9 s of start-up per job, files of 2 to 16 s.
    const files: Record<string, { durationMs: number; samples: number }> = {};
    for (let i = 0; i < MODULES; i++)
      files[`test/mod${i}.test.ts`] = { durationMs: 2000 * (i + 1), samples: 3 };
    await fs.writeFile(
      path.join(dir, 'shard-timings.json'),
      JSON.stringify({
        version: 1,
        files,
        model: { vitest: { startupMs: 9000, workerStartupMs: 0, workers: 1 } },
      }),
    );
  });

  it('picks the count from the sizing table and says what one more job would save and cost', async () => {
    await fs.appendFile(path.join(dir, 'src/shared.ts'), '// change\n');
    const r = ok(await shard(dir, ['plan', '--changed', 'main', '--shards', 'auto', '--out', 'plan.json']));
    const plan = await readPlan(dir);
    const line = r.stderr.split('\n').find((l) => /^\d+ jobs? \(slowest/.test(l))!;
    expect(line).toMatch(
      new RegExp(
        `^${plan.shardCount} jobs? \\(slowest [\\d.]+s, counting 9\\.0s of start-up per job\\): an? \\d+(st|nd|rd|th) saves [\\d.]+m?s and costs [\\d.]+m?s of CI time; the best of 1 to 16 jobs is [\\d.]+s$`,
      ),
    );
    // The same table with --max-shards shows the count it chose as the recommendation.
    const table = ok(await shard(dir, ['plan', '--changed', 'main', '--max-shards', '16']));
    expect(table.stdout).toMatch(new RegExp(`Recommended: ${plan.shardCount} shards`));
  });

  it('with --target: the fewest jobs under it', async () => {
    const r = ok(
      await shard(dir, ['plan', '--changed', 'main', '--shards', 'auto', '--target', '1m', '--json']),
    );
    expect(r.stderr).toMatch(/^1 job: the fewest whose slowest job \([\d.]+s\) is within --target 1m 00s/m);
  });

  it('prints the matrix for each CI and writes matrix= to $GITHUB_OUTPUT', async () => {
    const plan = await readPlan(dir);
    const n = plan.shardCount;
    const shards = Array.from({ length: n }, (_, i) => `${i + 1}/${n}`);
    const output = path.join(dir, 'github-output');
    const github = ok(await shard(dir, ['matrix', '--plan', 'plan.json'], { GITHUB_OUTPUT: output }));
    expect(JSON.parse(github.stdout)).toEqual({ shard: shards });
    expect(await fs.readFile(output, 'utf8')).toBe(
      `matrix=${JSON.stringify({ shard: shards })}\nshards=${n}\n`,
    );
    const gitlab = ok(await shard(dir, ['matrix', '--plan', 'plan.json', '--ci', 'gitlab']));
    expect(gitlab.stdout).toContain(`extends: .shardwise-test\n${n > 1 ? `  parallel: ${n}\n` : ''}`);
    const circle = ok(await shard(dir, ['matrix', '--plan', 'plan.json', '--ci', 'circleci']));
    expect(JSON.parse(circle.stdout)).toEqual({ shards: n });
    const kite = ok(
      await shard(dir, ['matrix', '--plan', 'plan.json', '--ci', 'buildkite', '--command', 'npm test']),
    );
    expect(kite.stdout).toContain('command: "npm test"');
    const bad = await shard(dir, ['matrix', '--plan', 'plan.json', '--ci', 'jenkins']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'Expected --ci to be one of github, gitlab, circleci, buildkite, got "jenkins"',
    );
  });
});

describe('shard plan --changed for node --test: --related rules', () => {
  it('a rule selects the tests of the changed module; `shard run` gives node --test exactly those', async () => {
    const files: Record<string, string> = {
      'package.json': JSON.stringify({ name: 'changed-node', private: true, type: 'module' }),
    };
    for (const name of ['cart', 'price', 'user']) {
      files[`src/${name}.js`] = `export const ${name} = '${name}';\n`;
      files[`test/${name}.test.js`] =
        `import { test } from 'node:test';\nimport assert from 'node:assert';\nimport { ${name} } from '../src/${name}.js';\n` +
        `test('${name}', () => assert.equal(${name}, '${name}'));\n`;
    }
    const dir = await tempDir(files);
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'init');
    await fs.appendFile(path.join(dir, 'src/price.js'), '// change\n');
    const rule = [
      '--related',
      'src/price.js=test/price.test.js',
      '--related',
      'src/cart.js=test/cart.test.js',
    ];
    const r = ok(
      await shard(dir, ['plan', '--changed', 'main', '--shards', '1', ...rule, '--out', 'plan.json']),
    );
    expect(r.stderr).toContain(
      '1 of 3 test files depend on the 1 file changed since main (by --related rules)',
    );
    const run = ok(
      await shard(dir, ['run', '--plan', 'plan.json', '--shard', '1/1', '--', process.execPath, '--test']),
    );
    expect(run.stdout).toMatch(/^# tests 1$/m);
    expect(run.stdout).toContain('price');
    // A change the rules do not cover selects everything, and says which file.
    await fs.appendFile(path.join(dir, 'src/user.js'), '// change\n');
    ok(await shard(dir, ['plan', '--changed', 'main', '--shards', '1', ...rule, '--out', 'plan.json']));
    expect((await readPlan(dir)).selection.full).toEqual({
      file: 'src/user.js',
      why: 'no --related rule covers it',
    });
  });
});
