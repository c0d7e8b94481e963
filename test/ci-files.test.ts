/**
 * The CI files in examples/ci are documentation people copy: they must parse, and every shardwise, Jest and
 * Vitest command in them must exist with the flags they use. Each command is extracted from the YAML,
 * its CI variables are replaced by a shard of a real matrix, and it is dry-run: `shard` commands through
 * the CLI's own parser, runner commands as the real runner listing the shard's files in a copy of the
 * matching example.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseCommandLine } from '../packages/cli/src/options.js';

const repo = path.resolve(import.meta.dirname, '..');
const ciDir = path.join(repo, 'examples/ci');

/** Every shell line under `run`, `script` or `command` keys, anywhere in the document. */
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

/** Shard 1 of a 4-way matrix, whatever the CI spells it. */
function substitute(line: string): string {
  return line
    .replaceAll('${{ matrix.shard }}', '1')
    .replaceAll('${{ env.SHARDS }}', '4')
    .replaceAll('$((CIRCLE_NODE_INDEX + 1))', '1')
    .replaceAll('$CIRCLE_NODE_TOTAL', '4')
    .replaceAll('$CI_NODE_INDEX', '1')
    .replaceAll('$CI_NODE_TOTAL', '4')
    .replace(/<\([^)]*\)/g, '-');
}

const files = ['github-actions.yml', 'gitlab-ci.yml', 'circleci.yml'];

describe.each(files)('examples/ci/%s', (name) => {
  let commands: string[] = [];
  let dir: string;

  beforeAll(async () => {
    const text = await fs.readFile(path.join(ciDir, name), 'utf8');
    const document: unknown = parse(text);
    commands = shellLines(document).map(substitute);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shardwise-ci-'));
  });

  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('parses as YAML and runs shardwise in a shard job and a merge job', () => {
    expect(commands.some((c) => /^npx (jest|vitest run) --shard=1\/4\b/.test(c))).toBe(true);
    expect(commands.some((c) => c.startsWith('npx shard merge '))).toBe(true);
  });

  it('calls `shard` only with commands and flags that exist', () => {
    const shardCommands = commands.filter((c) => c.startsWith('npx shard '));
    expect(shardCommands.length).toBeGreaterThan(0);
    for (const command of shardCommands) {
      const argv = command.split(/\s+/).slice(2);
      expect(() => parseCommandLine(argv), command).not.toThrow();
      expect(parseCommandLine(argv).command, command).toBeDefined();
    }
  });

  it('calls Jest or Vitest with flags they accept (dry run: list the shard)', async () => {
    const runnerCommands = commands.filter((c) => /^npx (jest|vitest) /.test(c));
    expect(runnerCommands.length).toBeGreaterThan(0);
    for (const command of runnerCommands) {
      const [, runner, ...args] = command.split(/\s+/);
      const example = runner === 'jest' ? 'jest-basic' : 'vitest-basic';
      const project = path.join(dir, example);
      await fs.cp(path.join(repo, 'examples', example), project, {
        recursive: true,
        filter: (src) => !/(node_modules|\.shardwise)$/.test(src),
      });
      await fs
        .symlink(path.join(repo, 'node_modules'), path.join(project, 'node_modules'), 'dir')
        .catch(() => {});
      const bin =
        runner === 'jest'
          ? [path.join(repo, 'node_modules/jest/bin/jest.js'), ...args, '--listTests']
          : [path.join(repo, 'node_modules/vitest/vitest.mjs'), 'list', ...args.filter((a) => a !== 'run')];
      const result = spawnSync(process.execPath, bin, {
        cwd: project,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      });
      expect(result.status, `${command}\n${result.stderr}`).toBe(0);
      expect(result.stdout, command).toMatch(/\.test\.[jt]s/);
    }
  });
});
