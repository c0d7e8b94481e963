/**
 * The short Markdown of a run for a pull-request comment, and the GitHub step summary: the same text. Wall
 * and balance first, then whether every file ran exactly once (the files that did not, named), the tests
 * that became flaky, and the shard table folded away. Pure: a string from a {@link PipelineSummary}.
 */
import { predictionNote, SHARD_HEADER, shardCells } from './merge-words.js';
import type { PipelineSummary } from './pipeline.js';
import { formatMs, markdownTable, signedPercent } from './text.js';

/** Lines of a long list a comment shows before "and N more". */
const SHOWN = 20;

/**
 * The run in Markdown, for `shard merge --markdown` and the step summary.
 *
 * @example
 * await fs.writeFile('comment.md', renderComment(describePipeline(input)));
 */
export function renderComment(s: PipelineSummary): string {
  const parts = ['### shardwise merge'];
  const figures: string[] = [];
  if (s.wallMs !== undefined)
    figures.push(`**Wall ${formatMs(s.wallMs)}** (the slowest of ${s.jobs.length} job(s))`);
  if (s.balance) {
    figures.push(
      `balance: jobs took ${formatMs(s.balance.fastestMs)}–${formatMs(s.balance.slowestMs)}, the slowest ${signedPercent(s.balance.overMean)} over the mean`,
    );
  }
  if (s.lowerBoundMs !== undefined) figures.push(`lower bound ${formatMs(s.lowerBoundMs)}`);
  if (figures.length > 0) parts.push('', figures.join(' · '));
  const c = s.coverage;
  if (!c.checked) parts.push('', 'The reports carry no plan: coverage not verified.');
  else if (c.ok) parts.push('', '✅ Every planned test file ran exactly once.');
  else parts.push('', '❌ Coverage check failed:', '', ...capped(c.problems.map((p) => `- ${p}`)));
  if (s.slowest) parts.push('', `Slowest: ${s.slowest}`);
  for (const line of s.machineJobs) parts.push('', line);
  if (s.history) {
    parts.push('', '#### Flaky tests', '');
    if (s.newlyFlaky.length === 0) {
      const flaky = s.tests.filter((t) => t.status === 'flaky').length;
      parts.push(
        `No test became flaky in this run (${flaky} flaky, ${s.tests.length - flaky} broken in the history).`,
      );
    } else {
      parts.push(
        `⚠️ ${s.newlyFlaky.length} test(s) became flaky in this run:`,
        '',
        ...capped(
          s.newlyFlaky.map(
            (t) => `- \`${t.file}\` › ${t.name} (${t.failures} of ${t.runs} runs failed; ${t.reason})`,
          ),
        ),
      );
    }
  }
  if (s.rows.length > 0) {
    parts.push(
      '',
      '<details><summary>Shards: predicted against actual</summary>',
      '',
      markdownTable(
        SHARD_HEADER,
        s.rows.map((r) => shardCells(r, s.shardCount)),
        'rrrrrr',
      ),
      '',
      predictionNote(s.rows),
      ...(s.otherPlan ? ['', s.otherPlan] : []),
      '',
      '</details>',
    );
  }
  return parts.join('\n') + '\n';
}

function capped(lines: readonly string[]): string[] {
  if (lines.length <= SHOWN) return [...lines];
  return [...lines.slice(0, SHOWN), `- … and ${lines.length - SHOWN} more`];
}
