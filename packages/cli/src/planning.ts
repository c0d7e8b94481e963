import path from 'node:path';
import { partition, splitUnitKey, type Plan, type ShardSpec } from '@shardwise/core';
import type { Context } from './context.js';
import { formatMs } from './format.js';
import {
  listFiles,
  loadStore,
  locate,
  planSettings,
  readPreviousPlan,
  type LoadedStore,
  type Locations,
  type PlanSettings,
} from './inputs.js';
import type { OptionValues } from './options.js';
import { announceShard, requireShard } from './shard-option.js';

/** A plan with what went into it, for reporting. */
export interface Planned {
  plan: Plan;
  loaded: LoadedStore;
  locations: Locations;
  settings: PlanSettings;
  /** Where the files came from, for messages. */
  fileSource: string;
  match: MatchStats;
}

/** How well the store fits the current files. */
export interface MatchStats {
  files: number;
  /** Files with a recorded duration (= store entries that match a current file). */
  timed: number;
  /** Entries in the store. */
  entries: number;
}

/** Lists the files, reads the store (concurrently) and partitions with core's `partition`. */
export async function planFromInputs(
  ctx: Context,
  values: OptionValues,
  globs: readonly string[],
  shardCount: number,
  locations: Locations,
  settings: PlanSettings,
): Promise<Planned> {
  const [listed, loaded, previous] = await Promise.all([
    listFiles(values, globs, locations.root, ctx),
    loadStore(locations.storePath, ctx),
    settings.previousPath === undefined ? undefined : readPreviousPlan(settings.previousPath),
  ]);
  ctx.debug(`partition ${listed.files.length} files into ${shardCount} shards`);
  const plan = partition(listed.files, {
    shardCount,
    durations: loaded.durations,
    estimator: settings.estimator,
    root: locations.root,
    ...(previous ? { previous } : {}),
  });
  let files = 0;
  for (const shard of plan.shards) files += shard.files.length;
  const match = { files, timed: files - plan.unknownFiles.length, entries: loaded.store?.files.size ?? 0 };
  ctx.debug(
    `plan ${plan.fingerprint}: makespan ${plan.makespanMs}ms, lower bound ${plan.lowerBoundMs}ms, ${plan.unknownFiles.length} unknown`,
  );
  return { plan, loaded, locations, settings, fileSource: listed.source, match };
}

/**
 * The diagnostics every planning command prints on stderr: a missing store, no files at all, and, loudly,
 * a store whose keys mostly miss the current files (the relative-vs-absolute path mistake that makes other
 * tools silently fall back to averages).
 */
export function reportInputs(ctx: Context, planned: Planned): void {
  const { loaded, locations, match, plan } = planned;
  const store = locations.storePath
    ? path.relative(ctx.io.cwd, locations.storePath) || locations.storePath
    : '';
  if (match.files === 0) {
    ctx.warn(
      `no test files found (from ${planned.fileSource}, root ${locations.root}); every shard is empty`,
    );
  }
  if (loaded.state === 'missing') {
    ctx.note(
      `No timing store at ${store}: planning by estimate (${formatMs(plan.unknownEstimateMs)} per file). ` +
        'That is normal on a first run; `shard merge` creates it.',
    );
    return;
  }
  if (loaded.state !== 'loaded' || match.entries === 0) return;
  if (match.timed * 2 < match.entries) {
    const example = mismatchExample(plan.unknownFiles, loaded.store!.files.keys());
    ctx.warn(
      `only ${match.timed} of ${match.entries} entries in ${store} match the ${match.files} test files; ` +
        `the rest are planned by estimate. Are the store's paths relative to the same root (${locations.root})?` +
        (example ? ` E.g. the store has "${example.key}" where the file is "${example.file}".` : '') +
        ' Pass --root, or rebuild the store with `shard merge`.',
    );
  }
}

/** A store key that names the same file as an unknown file under another root, if any. */
function mismatchExample(
  unknown: readonly string[],
  keys: Iterable<string>,
): { key: string; file: string } | undefined {
  const byBase = new Map<string, string>();
  for (const key of keys) {
    const base = key.slice(Math.max(key.lastIndexOf('/'), key.indexOf('|')) + 1);
    if (!byBase.has(base)) byBase.set(base, key);
  }
  for (const file of unknown.slice(0, 1000)) {
    const key = byBase.get(file.slice(file.lastIndexOf('/') + 1));
    if (
      key !== undefined &&
      key !== file &&
      (key.endsWith(`/${file}`) || file.endsWith(`/${key}`) || splitUnitKey(key).path === file)
    ) {
      return { key, file };
    }
  }
  return undefined;
}

/**
 * The common start of `files` and `run`: the shard (validated before anything is printed), the whole plan
 * from the inputs with its diagnostics, and this shard's files.
 */
export async function planShard(
  ctx: Context,
  command: 'files' | 'run',
  values: OptionValues,
  globs: readonly string[],
): Promise<{ spec: ShardSpec; planned: Planned; files: string[] }> {
  const spec = requireShard(ctx, command, values.shard);
  const locations = locate(values, ctx);
  const settings = planSettings(values, ctx);
  announceShard(ctx, values.shard, spec);
  const planned = await planFromInputs(ctx, values, globs, spec.count, locations, settings);
  reportInputs(ctx, planned);
  return { spec, planned, files: planned.plan.shards[spec.index - 1]!.files };
}
