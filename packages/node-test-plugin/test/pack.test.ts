import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { copyFixture, removeFixtures, REPORTER } from './helpers.js';

afterAll(removeFixtures);

const run = promisify(execFile);
const packages = path.resolve(import.meta.dirname, '../..');

// What a user installs: the packed tarballs (not the workspace links), in a project of their own.
it('works from npm pack tarballs: shard run, merge proves exactly once, the next plan uses the times', async () => {
  const dir = await copyFixture('basic');
  await fs.rm(path.join(dir, 'node_modules'));
  const tarballs = path.join(dir, '.tarballs');
  await fs.mkdir(tarballs);
  for (const name of ['core', 'cli', 'node-test-plugin']) {
    await run('npm', ['pack', '--silent', '--pack-destination', tarballs], {
      cwd: path.join(packages, name),
    });
  }
  const files = (await fs.readdir(tarballs)).map((f) => path.join(tarballs, f));
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', ...files], { cwd: dir });
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SHARDWISE_')));
  const shard = (args: string[]) =>
    run(process.execPath, [path.join(dir, 'node_modules/.bin/shard'), ...args], { cwd: dir, env });
  for (const spec of ['1/2', '2/2'])
    await shard(['run', '--shard', spec, '--', process.execPath, '--test', REPORTER]);
  const merged = await shard(['merge', '--no-history']);
  expect(merged.stdout).toMatch(
    /Coverage verified: all 4 planned files ran exactly once across 2 shard\(s\)/,
  );
  const plan = JSON.parse((await shard(['plan', '--shards', '2', '--runner', 'node-test', '--json'])).stdout);
  expect(plan).toMatchObject({ unknownFiles: [], wall: { startupMs: expect.any(Number) } });
});
