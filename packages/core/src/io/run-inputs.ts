import { promises as fs } from 'node:fs';
import path from 'node:path';
import { readError, ShardwiseError } from '../base/errors.js';
import type { Estimator } from '../base/estimate.js';
import type { Plan } from '../formats/plan.js';
import { parsePlan, parsePlanText, serializePlanFile, type PlanFile } from '../formats/plan-file.js';
import { writeFileAtomic } from './write-file.js';
import type { PlanRunInput } from '../plan/build-plan.js';
import type { Settings } from '../base/settings.js';
import { readStoreView } from './store-file.js';
import { readQuarantineSetting } from './flaky-files.js';
import { displayPath } from '../base/paths.js';

// Where it was first defined, for the entry points that export it from here.
export { displayPath };

/**
 * What {@link planRun} needs from the settings and the file system, read once by {@link readRunInputs}:
 * a front end spreads it into `planRun({ files, shard, ...inputs })`.
 */
export interface RunInputs {
  store: PlanRunInput['store'];
  estimator: Estimator;
  previous: PlanFile | undefined;
  pinned: { plan: PlanFile; source: string } | undefined;
}

/**
 * Reads the store, the previous plan and the pinned plan that the settings name, concurrently. A missing
 * store is a first run (`missing`); a previous or pinned plan that is named but missing is an error, in
 * every front end: two jobs that disagree on whether it exists would plan differently. With a pinned plan
 * the store is not read at all (`disabled`).
 */
export async function readRunInputs(settings: Settings, cwd: string = process.cwd()): Promise<RunInputs> {
  // A pinned plan is all a shard job needs: its store (absent, stale or broken) is not read, so no store
  // rule can fail the job of a plan that was made already.
  const timings = settings.plan === undefined ? settings.timings : undefined;
  const [store, previous, pinned] = await Promise.all([
    timings === undefined ? undefined : readStoreView(timings.path, displayPath(timings.path, cwd)),
    settings.previous === undefined
      ? undefined
      : 'value' in settings.previous
        ? parsePlan(settings.previous.value, settings.previous.source)
        : readPlanFile(settings.previous.path, cwd, settings.previous.source),
    settings.plan === undefined ? undefined : readPlanFile(settings.plan.path, cwd, settings.plan.source),
  ]);
  if (timings && store === undefined) await checkMissingStore(settings, cwd);
  // The quarantine file is judged at the end of a run; a broken one fails the job now, before any test
  // runs, not only on the day a test fails (and never silently when none does).
  await readQuarantineSetting(settings, cwd);
  return {
    store:
      timings === undefined
        ? { state: 'disabled' }
        : store === undefined
          ? { state: 'missing', explicit: timings.explicit }
          : { state: 'loaded', store },
    estimator: settings.estimator,
    previous,
    pinned:
      pinned && settings.plan
        ? { plan: pinned, source: `${settings.plan.source} ${displayPath(settings.plan.path, cwd)}` }
        : undefined,
  };
}

/**
 * A store that is not there. At an explicit path whose folder does not exist, it is a mistake (a typo, a
 * cache that was never restored): an error. With `requireTimings`, any missing store is an error. Else it
 * is a first run, planned by estimate (loudly, when the path was explicit: see `planRun`'s diagnostics).
 */
async function checkMissingStore(settings: Settings, cwd: string): Promise<void> {
  const { path: file, explicit, source } = settings.timings!;
  const name = displayPath(file, cwd);
  const where = explicit ? `${source} ${name}` : name;
  if (explicit) {
    const folder = path.dirname(file);
    const stat = await fs.stat(folder).catch(() => undefined);
    if (!stat?.isDirectory()) {
      throw new ShardwiseError(
        'NOT_FOUND',
        `${where}: the folder ${displayPath(folder, cwd)} does not exist`,
        {
          file,
          hint: {
            kind: 'text',
            text: 'check the path, or restore the store (a CI cache or artifact) before this step',
          },
        },
      );
    }
  }
  if (settings.requireTimings) {
    throw new ShardwiseError('NOT_FOUND', `${where}: no timing store, and one is required`, {
      file,
      hint: {
        kind: 'text',
        text: 'restore the store before this step, or create it with `shard merge` or `shard import`',
      },
    });
  }
}

/**
 * Reads and validates a plan file (`shard plan --json`/`--out` output or a shardwise report). `option`
 * names the setting that named the file (`--previous`, `SHARDWISE_PLAN`), for messages.
 */
export async function readPlanFile(
  file: string,
  cwd: string = process.cwd(),
  option?: string,
): Promise<PlanFile> {
  const name = option ? `${option} ${displayPath(file, cwd)}` : displayPath(file, cwd);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw readError(name, error, 'plan file', 'PLAN_INVALID', { kind: 'plan' });
  }
  return parsePlanText(text, name);
}

/**
 * Writes a plan as a pinned plan (`shard plan --out`, `SHARDWISE_PLAN_OUT`) atomically, and returns the
 * line that tells the user how the jobs use it. `planFlag`: the jobs may also name it with `--plan` (the
 * CLI's `shard files` and `shard run`); the runners reject flags they do not know, so a plugin's line
 * names only the variable.
 */
export async function writePinnedPlan(
  file: string,
  plan: Plan,
  cwd: string = process.cwd(),
  planFlag = false,
): Promise<string> {
  await writeFileAtomic(file, serializePlanFile(plan));
  const name = displayPath(file, cwd);
  const flag = planFlag ? ` (or \`shard files|run --plan ${name}\`)` : '';
  return `pinned plan ${plan.fingerprint.slice(0, 8)} written to ${name}: every job runs its shard of it with SHARDWISE_PLAN=${name}${flag}, re-runs included`;
}
