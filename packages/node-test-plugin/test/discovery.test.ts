import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { copyFixture, nodeTest, readReports, removeFixtures, REPORTER, shard } from './helpers.js';

afterAll(removeFixtures);

it('shard files --runner node-test lists the files node --test finds by default', async () => {
  const dir = await copyFixture('discovery');
  const run = await nodeTest(dir, [REPORTER]);
  expect(run.code, run.stderr).toBe(0);
  const [report] = await readReports(path.join(dir, '.shardwise/reports'));
  const found = report!.files.map((f) => f.file);
  expect(found).toContain('test/helper.js');
  const listed = await shard(dir, ['files', '--runner', 'node-test', '--shard', '1/1', '--no-timings']);
  expect(listed.code, listed.stderr).toBe(0);
  expect(listed.stdout.trim().split('\n').sort()).toEqual(found);
});
