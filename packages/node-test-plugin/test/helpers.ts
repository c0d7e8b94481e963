/**
 * The real `node --test` and the real `shard` bin on temp copies of the fixture projects, as CI runs them.
 * Each copy links the repository's `node_modules`, so `--test-reporter=@shardwise/node-test` resolves to
 * this package's built `dist/` exactly as in a user's project.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseReport, type RunReport } from '@shardwise/core';

const repo = path.resolve(import.meta.dirname, '../../..');
const shardBin = path.join(repo, 'packages/cli/dist/bin.js');
/** The reporter as a user names it. */
export const REPORTER = '--test-reporter=@shardwise/node-test';

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

const copies: string[] = [];

/** A fresh copy of `test/fixtures/<name>`, removed by {@link removeFixtures}. */
export async function copyFixture(name: string): Promise<string> {
  const dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), `shardwise-node-test-${name}-`)));
  copies.push(dir);
  await fs.cp(path.join(import.meta.dirname, 'fixtures', name), dir, { recursive: true });
  await fs.symlink(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

export async function removeFixtures(): Promise<void> {
  await Promise.all(copies.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true })));
}

/** `node --test <args>` in `cwd`. */
export function nodeTest(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Result> {
  return node(cwd, ['--test', ...args], env);
}

/** The built `shard` bin in `cwd`. */
export function shard(cwd: string, args: string[]): Promise<Result> {
  return node(cwd, [shardBin, ...args]);
}

/** Runs Node with no colour and none of the caller's shardwise or Node settings. */
function node(cwd: string, args: string[], extra: Record<string, string> = {}): Promise<Result> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(SHARDWISE_|NODE_OPTIONS$|GITHUB_)/.test(key)),
  );
  Object.assign(env, { NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true' }, extra);
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, env, maxBuffer: 1 << 26 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The reports in `dir`, validated as `shard merge` reads them, by file name. */
export async function readReports(dir: string): Promise<RunReport[]> {
  const names = (await fs.readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  return Promise.all(names.map(async (n) => parseReport(await fs.readFile(path.join(dir, n), 'utf8'), n)));
}

/** Node's duration figures, which differ from run to run, as `<ms>`. */
export function withoutTimes(text: string): string {
  return text.replace(/\d+(\.\d+)?ms/g, '<ms>').replace(/duration_ms \S+/g, 'duration_ms <ms>');
}
