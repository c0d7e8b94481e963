import { describe, expect, it } from 'vitest';
import { detectCiShard, resolveShard } from '../src/ci-env.js';
import { parseCommandLine } from '../src/options.js';
import { parseSmoothing } from '../src/reports.js';
import { runMain } from './helpers.js';

const LIST = ['--files-from', '-'];

describe('argument handling (in-process)', () => {
  it.each([
    {
      name: 'shard 0/4',
      argv: ['files', '--shard', '0/4', ...LIST],
      message: '--shard 0/4: index must be between 1 and 4',
    },
    {
      name: 'shard 5/4',
      argv: ['files', '--shard', '5/4', ...LIST],
      message: '--shard 5/4: index must be between 1 and 4',
    },
    { name: 'shard a/b', argv: ['files', '--shard', 'a/b', ...LIST], message: '--shard: expected I/N' },
    {
      name: 'shard 1/0',
      argv: ['files', '--shard', '1/0', ...LIST],
      message: 'the shard count must be at least 1',
    },
    { name: 'shard 2', argv: ['files', '--shard', '2', ...LIST], message: 'expected I/N' },
    { name: 'no shard at all', argv: ['files', ...LIST], message: 'shard files needs --shard I/N' },
    {
      name: 'unknown option',
      argv: ['files', '--shard', '1/2', '--bogus'],
      message: 'unknown option --bogus',
    },
    {
      name: 'option of another command',
      argv: ['plan', '--shard', '1/2'],
      message: 'unknown option --shard (it belongs to shard files, shard run); did you mean --shards?',
    },
    {
      name: 'a typo',
      argv: ['files', '--shrad', '1/2'],
      message: 'unknown option --shrad; did you mean --shard?',
    },
    {
      name: 'a typo of a longer option',
      argv: ['files', '--shard', '1/2', '--timing', 'x.json'],
      message: 'unknown option --timing; did you mean --timings?',
    },
    { name: 'missing value', argv: ['files', '--shard'], message: '--shard needs a value' },
    {
      name: 'flag with a value',
      argv: ['files', '--json=yes', '--shard', '1/2'],
      message: '--json is a flag',
    },
    { name: 'unknown command', argv: ['split'], message: 'unknown command "split"' },
    {
      name: '--json with -0',
      argv: ['files', '--shard', '1/2', '--json', '-0', ...LIST],
      message: '--json and -0',
    },
    {
      name: 'timings and no-timings',
      argv: ['files', '--shard', '1/2', '--timings', 'x.json', '--no-timings', ...LIST],
      message: 'contradict',
    },
    {
      name: 'bad estimator',
      argv: ['files', '--shard', '1/2', '--estimator', 'max', ...LIST],
      message: '--estimator: expected mean, median, p90',
    },
    {
      name: 'shards 0',
      argv: ['plan', '--shards', '0', ...LIST],
      message: 'Expected --shards to be a whole number from 1 and up, got "0"',
    },
    { name: 'shards 1.5', argv: ['plan', '--shards', '1.5', ...LIST], message: 'got "1.5"' },
    {
      name: 'shards past 2^53 - 1',
      argv: ['plan', '--shards', '99999999999999999999', ...LIST],
      message: `Expected --shards to be at most ${Number.MAX_SAFE_INTEGER}, got "99999999999999999999": too large`,
    },
    { name: 'plan without a count', argv: ['plan', ...LIST], message: 'shard plan needs --shards N' },
    {
      name: 'plan --json --compare',
      argv: ['plan', '--shards', '2', '--json', '--compare', ...LIST],
      message: '--json prints the plan only',
    },
    {
      name: 'overhead alone',
      argv: ['plan', '--shards', '2', '--overhead', '5', ...LIST],
      message: '--overhead is for --max-shards',
    },
    {
      name: 'negative overhead',
      argv: ['plan', '--max-shards', '4', '--overhead=-1', ...LIST],
      message: '--overhead to be a duration such as 30s, 1m or 500ms, got "-1"',
    },
    {
      name: '-- outside run',
      argv: ['files', '--shard', '1/2', '--', 'x'],
      message: '"--" is only for `shard run`',
    },
    {
      name: 'run without a command',
      argv: ['run', '--shard', '1/2', 'npx', 'jest'],
      message:
        'shard run needs the command after --, e.g. `shard run --shard 1/4 -- npx jest --runTestsByPath`',
    },
    { name: 'bad smoothing', argv: ['merge', '--smoothing', 'ewma:2', 'x'], message: 'Expected --smoothing' },
    { name: 'import without format', argv: ['import'], message: 'missing the format' },
    { name: 'import bad format', argv: ['import', 'tap', 'x'], message: 'unknown format "tap"' },
    {
      name: 'files-from with globs',
      argv: ['files', '--shard', '1/2', '--files-from', '-', 'src/**'],
      message: 'pass one or the other',
    },
    {
      name: 'a negative value',
      argv: ['plan', '--shards', '-2', ...LIST],
      message: 'Expected --shards to be a whole number from 1 and up, got "-2"',
    },
    {
      name: 'value that looks like an option',
      argv: ['plan', '--shards', '-x', ...LIST],
      message: 'write a value that starts with "-" as --shards=-VALUE',
    },
  ])('$name → exit 2, one line', async ({ argv, message }) => {
    const result = await runMain(argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    { name: '--version', argv: ['--version'], code: 0, out: /^\d+\.\d+\.\d+\n$/ },
    { name: '--help', argv: ['--help'], code: 0, out: /Usage: shard <command>/ },
    { name: 'files --help', argv: ['files', '--help'], code: 0, out: /--shard I\/N/ },
    { name: 'plan -h', argv: ['plan', '-h'], code: 0, out: /--max-shards M/ },
    {
      name: 'global option before the command',
      argv: ['--verbose', 'check', '--help'],
      code: 0,
      out: /shard check/,
    },
  ])('$name → exit $code', async ({ argv, code, out }) => {
    const result = await runMain(argv);
    expect(result.code).toBe(code);
    expect(result.stdout).toMatch(out);
  });

  it('shows `shard run` examples only with commands that take exact paths, as the README recommends', async () => {
    const { stdout } = await runMain(['run', '--help']);
    const examples = stdout.slice(stdout.indexOf('Examples:')).split('\n').slice(1).filter(Boolean);
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) {
      // Plain `vitest` and `jest` read positional files as patterns (`a.test.ts` also matches `data.test.ts`).
      expect(example).not.toMatch(/\bvitest\b/);
      if (/\bjest\b/.test(example)) expect(example).toContain('--runTestsByPath');
    }
  });

  it('prints the overview on stderr and exits 2 without a command', async () => {
    const result = await runMain([]);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toContain('Commands:');
  });

  it('validates the shard before reading any input', async () => {
    const result = await runMain(['files', '--shard', '5/4', '--files-from', '/no/such/list']);
    expect(result.stderr).toBe('error --shard 5/4: index must be between 1 and 4\n');
  });

  it('finds the command after options that take a value', () => {
    expect(parseCommandLine(['--root', 'plan', 'files', '--shard', '1/2']).command).toBe('files');
    expect(parseCommandLine(['run', '--shard', '1/2', '--', 'npx', 'jest', '--ci']).rest).toEqual([
      'npx',
      'jest',
      '--ci',
    ]);
  });

  it.each([
    { name: 'ewma', text: 'ewma', expected: { kind: 'ewma' } },
    { name: 'ewma with alpha', text: 'ewma:0.5', expected: { kind: 'ewma', alpha: 0.5 } },
    { name: 'median', text: 'median:7', expected: { kind: 'median', window: 7 } },
    { name: 'latest', text: 'latest', expected: { kind: 'latest' } },
  ])('--smoothing $name', ({ text, expected }) => {
    expect(parseSmoothing(text)).toEqual(expected);
  });
});

describe('shard detection', () => {
  it.each([
    { name: 'GitLab (1-based)', env: { CI_NODE_INDEX: '2', CI_NODE_TOTAL: '4' }, index: 2, count: 4 },
    {
      name: 'CircleCI (0-based)',
      env: { CIRCLE_NODE_INDEX: '0', CIRCLE_NODE_TOTAL: '4' },
      index: 1,
      count: 4,
    },
    { name: 'CircleCI last', env: { CIRCLE_NODE_INDEX: '3', CIRCLE_NODE_TOTAL: '4' }, index: 4, count: 4 },
    {
      name: 'Buildkite (0-based)',
      env: { BUILDKITE_PARALLEL_JOB: '1', BUILDKITE_PARALLEL_JOB_COUNT: '3' },
      index: 2,
      count: 3,
    },
    {
      name: 'Semaphore (1-based)',
      env: { SEMAPHORE_JOB_INDEX: '3', SEMAPHORE_JOB_COUNT: '3' },
      index: 3,
      count: 3,
    },
    {
      name: 'Azure (1-based)',
      env: { SYSTEM_JOBPOSITIONINPHASE: '1', SYSTEM_TOTALJOBSINPHASE: '2' },
      index: 1,
      count: 2,
    },
    {
      name: 'Bitbucket (0-based)',
      env: { BITBUCKET_PARALLEL_STEP: '4', BITBUCKET_PARALLEL_STEP_COUNT: '5' },
      index: 5,
      count: 5,
    },
    {
      name: 'GitLab total without index (no parallel)',
      env: { CI_NODE_TOTAL: '1' },
      index: undefined,
      count: undefined,
    },
  ])('$name', ({ env, index, count }) => {
    const found = detectCiShard(env);
    expect(found?.spec).toEqual(index === undefined ? undefined : { index, count });
  });

  it.each([
    {
      name: 'not a number',
      env: { CIRCLE_NODE_INDEX: 'x', CIRCLE_NODE_TOTAL: '4' },
      message: 'CIRCLE_NODE_INDEX must be a whole number',
    },
    {
      name: '0-based index too high',
      env: { CIRCLE_NODE_INDEX: '4', CIRCLE_NODE_TOTAL: '4' },
      message: 'must be between 0 and 3',
    },
    {
      name: '1-based index of 0',
      env: { CI_NODE_INDEX: '0', CI_NODE_TOTAL: '4' },
      message: 'must be between 1 and 4',
    },
    {
      name: 'index without total',
      env: { BUILDKITE_PARALLEL_JOB: '1' },
      message: 'BUILDKITE_PARALLEL_JOB_COUNT is not',
    },
    {
      name: 'total of 0',
      env: { SEMAPHORE_JOB_INDEX: '1', SEMAPHORE_JOB_COUNT: '0' },
      message: 'must be at least 1',
    },
    {
      name: 'bad SHARDWISE_SHARD',
      env: { SHARDWISE_SHARD: '3/2' },
      message: 'SHARDWISE_SHARD 3/2: index must be between 1 and 2',
    },
  ])('invalid: $name', ({ env, message }) => {
    expect(() => resolveShard(undefined, env)).toThrow(message);
  });

  it('prefers --shard, then SHARDWISE_SHARD, then the CI', () => {
    const env = { SHARDWISE_SHARD: '2/3', CI_NODE_INDEX: '1', CI_NODE_TOTAL: '5' };
    expect(resolveShard('1/2', env)?.spec).toEqual({ index: 1, count: 2 });
    expect(resolveShard(undefined, env)?.spec).toEqual({ index: 2, count: 3 });
    expect(resolveShard(undefined, { CI_NODE_INDEX: '1', CI_NODE_TOTAL: '5' })?.source).toBe(
      'GitLab CI (CI_NODE_INDEX=1, CI_NODE_TOTAL=5)',
    );
  });

  it('says which variable gave the shard, on stderr only', async () => {
    const result = await runMain(['files', '--files-from', '-', '--no-timings'], {
      env: { CIRCLE_NODE_INDEX: '1', CIRCLE_NODE_TOTAL: '2' },
      stdin: 'a.test.ts\nb.test.ts\n',
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      'shard 2/2 from CircleCI (CIRCLE_NODE_INDEX=1, CIRCLE_NODE_TOTAL=2, 0-based)\n',
    );
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
  });
});
