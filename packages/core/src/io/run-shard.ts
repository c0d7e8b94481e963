/**
 * How `shard run` tells the command it spawns which shard of which plan it runs, for a reporter that is
 * handed a list of files and cannot see the shard itself (`node --test` with `@shardwise/node-test`): the
 * shard in one variable, the plan as a pinned plan file in another. Its report then carries the plan, so
 * `shard merge` proves that every planned file ran exactly once.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseShardSpec, type ShardSpec } from '../base/shard-spec.js';
import { serializePlanFile } from '../formats/plan-file.js';
import type { Plan } from '../formats/plan.js';
import { planRun } from '../plan/build-plan.js';
import { readPlanFile } from './run-inputs.js';
import { writeFileAtomic } from './write-file.js';

/** The shard `shard run` runs, `I/N`. */
export const RUN_SHARD_ENV = 'SHARDWISE_RUN_SHARD';
/** The plan it is a shard of, as a pinned plan file that lives as long as the command runs. */
export const RUN_PLAN_ENV = 'SHARDWISE_RUN_PLAN';

/** The variables for the spawned command, and the removal of the plan file once it has exited. */
export interface SharedRunShard {
  env: Record<string, string>;
  remove(): Promise<void>;
}

/**
 * Writes `plan` to a fresh temporary folder for the command `shard run` spawns.
 *
 * @example
 * const shared = await shareRunShard({ index: 1, count: 2 }, plan);
 * spawn(cmd, args, { env: { ...process.env, ...shared.env } }); // then: await shared.remove()
 */
export async function shareRunShard(shard: ShardSpec, plan: Plan): Promise<SharedRunShard> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shardwise-run-'));
  const file = path.join(dir, 'plan.json');
  await writeFileAtomic(file, serializePlanFile(plan));
  return {
    env: { [RUN_SHARD_ENV]: `${shard.index}/${shard.count}`, [RUN_PLAN_ENV]: file },
    remove: () => fs.rm(dir, { recursive: true, force: true }),
  };
}

/**
 * In the spawned command: the shard and the plan `shard run` shared (the plan as core builds it from a
 * pinned plan, with its fingerprint), or undefined outside `shard run`. Throws a {@link ShardwiseError}
 * naming the variable when one is invalid.
 */
export async function readRunShard(
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ shard: ShardSpec; plan: Plan } | undefined> {
  const text = env[RUN_SHARD_ENV];
  const file = env[RUN_PLAN_ENV];
  if (!text || !file) return undefined;
  const shard = parseShardSpec(text, RUN_SHARD_ENV);
  const pinned = await readPlanFile(file, process.cwd(), RUN_PLAN_ENV);
  const source = `${RUN_PLAN_ENV} ${file}`;
  const files = pinned.shards.flat();
  const { plan } = planRun({ files, shard, store: { state: 'disabled' }, pinned: { plan: pinned, source } });
  return { shard, plan };
}
