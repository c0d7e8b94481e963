// @internal: not exported from the package entry (index.ts); its shape may change in any release.
import { describeQueueProof, proveQueue, type QueueProof } from '@shardwise/core/queue';
import type { RunReport } from '@shardwise/core';
import type { Context } from './context.js';
import { formatMs, markdownTable, table } from './format.js';

/** The queue run's proof from the queue jobs' reports (undefined when none is one). */
export function queueProofOf(reports: readonly RunReport[]): QueueProof | undefined {
  const queued = reports.flatMap((r) =>
    r.queue
      ? [
          {
            queue: r.queue,
            ...(r.job ? { wallMs: r.job.wallMs } : {}),
            ...(r.createdAt ? { createdAt: r.createdAt } : {}),
          },
        ]
      : [],
  );
  return queued.length === 0 ? undefined : proveQueue(queued);
}

const HEADER = ['Job', 'Units', 'Batches', 'Wall', 'Waiting'];

function cells(proof: QueueProof): string[][] {
  return proof.rows.map((r) => [
    `${r.job}/${proof.jobs}${r.attempt > 1 ? ` (attempt ${r.attempt}${r.replayed ? ', replayed' : ''})` : ''}`,
    String(r.units),
    String(r.batches),
    r.wallMs === undefined ? '-' : formatMs(r.wallMs),
    formatMs(r.waitMs),
  ]);
}

/** The proof's verdict and per-job table, as `shard merge` prints it; and its problems, one line each. */
export function queueProofText(ctx: Context, proof: QueueProof): { text: string; problems: string[] } {
  const c = ctx.out;
  const problems = describeQueueProof(proof);
  const lines = [
    problems.length === 0
      ? c.green(
          `Queue verified: all ${proof.units} units of run ${proof.runId} (plan ${proof.fingerprint.slice(0, 8)}) acknowledged exactly once across ${proof.rows.length} job(s)`,
        )
      : `Queue run ${proof.runId}: ${problems.length} problem(s), below`,
    '',
    ...table([HEADER, ...cells(proof)], 'rrrrr', (r, _c, t) => (r === 0 ? c.bold(t) : t)).map(
      (l) => `  ${l}`,
    ),
    c.dim(
      '  Units: acknowledged by the job (a unit re-queued after a dead job counts for the job that finished it). Wall: the job, start-up included. Waiting: for the seed, and while other jobs held the last units.',
    ),
  ];
  return { text: lines.join('\n') + '\n', problems };
}

/** The same for the GitHub step summary. */
export function queueProofMarkdown(proof: QueueProof, problems: readonly string[]): string {
  return [
    '',
    problems.length === 0
      ? `✅ Every unit of queue run ${proof.runId} was acknowledged exactly once.`
      : `❌ Queue run ${proof.runId}:\n\n${problems.map((p) => `- ${p}`).join('\n')}`,
    '',
    markdownTable(HEADER, cells(proof), 'rrrrr'),
  ].join('\n');
}
