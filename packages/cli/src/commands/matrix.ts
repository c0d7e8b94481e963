import { promises as fs } from 'node:fs';
import path from 'node:path';
import { EXIT_CODES } from '@shardwise/core/light';
import { readPlanFile, type PlanFile } from '@shardwise/core';
import type { Context } from '../context.js';
import { usageError, type CommandLine } from '../options.js';

/** The CIs whose fan-out `shard matrix` prints. */
const CIS = ['github', 'gitlab', 'circleci', 'buildkite'] as const;
type Ci = (typeof CIS)[number];

/**
 * `shard matrix --plan plan.json`: the pinned plan's job count as the CI's own fan-out, so the pipeline
 * runs as many jobs as the plan chose (`--shards auto`, a change selection), never a fixed matrix. GitHub
 * Actions: `{"shard":["1/3","2/3","3/3"]}`, also written to `$GITHUB_OUTPUT` as `matrix=` (and `shards=`);
 * GitLab: a child pipeline whose job extends `.shardwise-test` with `parallel: N`; CircleCI: the
 * continuation's pipeline parameters `{"shards":N}`; Buildkite: a step with `parallelism: N` to upload.
 */
export async function matrixCommand(ctx: Context, { values, positionals }: CommandLine): Promise<number> {
  if (positionals.length > 0)
    throw usageError(`shard matrix takes no arguments (got ${positionals.join(' ')})`);
  const ci = (values.ci ?? 'github') as Ci;
  if (!CIS.includes(ci)) {
    throw usageError(`Expected --ci to be one of ${CIS.join(', ')}, got ${JSON.stringify(values.ci)}`);
  }
  if (values.command !== undefined && ci !== 'buildkite') throw usageError('--command is for --ci buildkite');
  if (values.template !== undefined && ci !== 'gitlab') throw usageError('--template is for --ci gitlab');
  if (ci === 'buildkite' && values.command === undefined) {
    throw usageError('--ci buildkite needs --command, the command each parallel job runs');
  }
  const named = values.plan ?? ctx.io.env['SHARDWISE_PLAN'];
  if (named === undefined)
    throw usageError('shard matrix needs --plan plan.json (`shard plan --out` writes it)');
  const file = path.resolve(ctx.io.cwd, named);
  const plan = await readPlanFile(file, ctx.io.cwd, values.plan === undefined ? 'SHARDWISE_PLAN' : '--plan');
  const n = plan.shardCount;
  const shards = Array.from({ length: n }, (_, i) => `${i + 1}/${n}`);
  const github = JSON.stringify({ shard: shards });
  const text: Record<Ci, () => string> = {
    github: () => github,
    gitlab: () => gitlabChild(plan, values.template ?? '.gitlab/shardwise-test.yml'),
    circleci: () => JSON.stringify({ shards: n }),
    buildkite: () => buildkiteStep(plan, values.command!, path.relative(ctx.io.cwd, file) || named),
  };
  ctx.io.stdout.write(text[ci]() + '\n');
  const output = ctx.io.env['GITHUB_OUTPUT'];
  if (ci === 'github' && output) await fs.appendFile(output, `matrix=${github}\nshards=${n}\n`);
  ctx.note(`${n} job${n === 1 ? '' : 's'} (plan ${plan.fingerprint?.slice(0, 8) ?? 'unpinned'})`);
  return EXIT_CODES.ok;
}

/** A GitLab child pipeline: the user's hidden job `.shardwise-test`, `parallel: N` (GitLab's 1 is no key). */
function gitlabChild(plan: PlanFile, template: string): string {
  return [
    `# shardwise: ${plan.shardCount} job(s) for plan ${plan.fingerprint?.slice(0, 8) ?? ''}`,
    'include:',
    `  - local: ${JSON.stringify(template)}`,
    'shardwise-test:',
    '  extends: .shardwise-test',
    ...(plan.shardCount > 1 ? [`  parallel: ${plan.shardCount}`] : []),
  ].join('\n');
}

/** A Buildkite step to `buildkite-agent pipeline upload`: the command on N parallel jobs with the plan. */
function buildkiteStep(plan: PlanFile, command: string, planPath: string): string {
  return [
    'steps:',
    `  - label: ${JSON.stringify(`shard %n of ${plan.shardCount}`)}`,
    `    command: ${JSON.stringify(command)}`,
    ...(plan.shardCount > 1 ? [`    parallelism: ${plan.shardCount}`] : []),
    '    env:',
    `      SHARDWISE_PLAN: ${JSON.stringify(planPath)}`,
  ].join('\n');
}
