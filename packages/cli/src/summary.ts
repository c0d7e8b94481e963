// @internal: not exported from the package entry (index.ts); its shape may change in any release.
import { promises as fs } from 'node:fs';
import { predictedMs, predictedSpan, type Plan } from '@shardwise/core';
import type { Context } from './context.js';
import { formatMs, formatPredicted, markdownTable } from './format.js';

/**
 * Appends Markdown to the GitHub Actions job summary when `GITHUB_STEP_SUMMARY` is set. A summary that
 * cannot be written is a warning, never a failed job.
 */
export async function appendStepSummary(ctx: Context, markdown: string): Promise<void> {
  if (!ctx.stepSummary) return;
  try {
    await fs.appendFile(ctx.stepSummary, markdown.endsWith('\n') ? markdown + '\n' : markdown + '\n\n');
    ctx.debug(`step summary appended to ${ctx.stepSummary}`);
  } catch (error) {
    ctx.warn(`cannot write the job summary ${ctx.stepSummary}: ${(error as Error).message}`);
  }
}

/** The shard table of a plan in Markdown; `current` (1-based) is marked when a job runs one shard. */
export function planMarkdown(plan: Plan, title: string, current?: number): string {
  // With a wall model, each job's predicted wall; without, its files' sum.
  const wall = plan.wall;
  const predicted = (s: Plan['shards'][number]) => predictedMs(plan, s);
  const { makespanMs: makespan, lowerBoundMs: bound } = predictedSpan(plan);
  const mean = plan.shards.reduce((sum, s) => sum + predicted(s), 0) / plan.shardCount;
  const rows = plan.shards.map((s) => {
    const mark = s.index === current ? ' ← this job' : '';
    return [
      `${s.index}/${plan.shardCount}${mark}`,
      String(s.files.length),
      formatPredicted(predicted(s), s.spreadMs),
    ];
  });
  if (plan.shardCount > plan.shards.length) {
    // The shards past the files hold nothing: one row for all of them.
    const first = plan.shards.length + 1;
    const mark = current !== undefined && current >= first ? ' ← this job' : '';
    const range = first === plan.shardCount ? String(first) : `${first}–${plan.shardCount}`;
    rows.push([`${range}/${plan.shardCount}${mark}`, '0', formatMs(0)]);
  }
  const slack = bound > 0 ? makespan / bound - 1 : 0;
  return [
    `### ${title}`,
    '',
    markdownTable(['Shard', 'Files', wall ? 'Predicted wall' : 'Predicted'], rows, 'lrr'),
    '',
    (wall
      ? `Wall model: start-up ${formatMs(wall.startupMs)} per job, ${formatMs(wall.workerStartupMs)} per worker, ${wall.workers} worker(s). `
      : '') +
      `Slowest ${wall ? 'job' : 'shard'} **${formatMs(makespan)}** (lower bound ${formatMs(bound)}, ` +
      `${(slack * 100).toFixed(1)}% above it; mean ${formatMs(mean)}). ` +
      `${plan.unknownFiles.length} file(s) with no timing. Fingerprint \`${plan.fingerprint}\`.`,
  ].join('\n');
}
