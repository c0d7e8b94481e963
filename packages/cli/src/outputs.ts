// @internal: not exported from the package entry (index.ts); its shape may change in any release.
import path from 'node:path';
import {
  checkCoverage,
  describePipeline,
  displayPath,
  explainSlowest,
  readQuarantineSetting,
  renderComment,
  renderHtml,
  renderJUnit,
  reportsByShard,
  summarizeShards,
  writeFileAtomic,
  type CoverageResult,
  type PipelineInput,
  type PipelineSummary,
  type Quarantine,
  type RunReport,
  type Settings,
  type ShardRow,
  type SlowestShard,
  type TimingStore,
  type JobPace,
} from '@shardwise/core';
import type { Context } from './context.js';
import type { OptionValues } from './options.js';

/** The files `shard merge` and `shard report` write about a run, by option; absent when not asked for. */
export interface RunOutputs {
  html?: string;
  junit?: string;
  markdown?: string;
}

/** The output files named on the command line, resolved against the working directory. */
export function runOutputs(values: OptionValues, cwd: string): RunOutputs {
  const outputs: RunOutputs = {};
  for (const key of ['html', 'junit', 'markdown'] as const) {
    const value = values[key];
    if (value !== undefined) outputs[key] = path.resolve(cwd, value);
  }
  return outputs;
}

/** What a run's tables and words are computed from: the proof, the shard rows, the slowest job. */
export interface RunFigures {
  coverage: CoverageResult;
  shards: ShardRow[];
  slowest: SlowestShard | undefined;
}

/**
 * The proof, the shard rows and the slowest job of a run's reports, against the store they were planned
 * with. The slowest job is judged from the reports the table shows, so the two never disagree.
 */
export function runFigures(
  reports: readonly RunReport[],
  base: TimingStore | undefined,
  machineJobs: readonly JobPace[],
): RunFigures {
  // Queue jobs' reports are proven by their acknowledgements (the queue proof), the others by their plan.
  const planned = reports.filter((r) => !r.queue);
  const coverage = checkCoverage(planned);
  const shards = summarizeShards(coverage, planned, base);
  const slowest = explainSlowest(shards, [...reportsByShard(coverage, reports).values()].flat(), machineJobs);
  return { coverage, shards, slowest };
}

/** Today in UTC (YYYY-MM-DD): the day quarantine expiry is judged on. */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/**
 * The quarantine a run's outputs show (the HTML report's state and expiry, the JUnit report's quarantined
 * failures): read only when one of them is asked for.
 */
export async function outputQuarantine(
  ctx: Context,
  outputs: RunOutputs,
  settings: Settings,
): Promise<Quarantine | undefined> {
  if (outputs.html === undefined && outputs.junit === undefined) return undefined;
  return readQuarantineSetting(settings, ctx.io.cwd);
}

/**
 * Writes the outputs asked for, each whole or not at all (a crash never leaves half a report), and names
 * each on stderr. Returns the pipeline summary, which the step summary renders too.
 */
export async function writeOutputs(
  ctx: Context,
  outputs: RunOutputs,
  input: PipelineInput,
): Promise<PipelineSummary> {
  const summary = describePipeline(input);
  const writes: [string | undefined, () => string, string][] = [
    [outputs.html, () => renderHtml(summary), 'HTML report'],
    [
      outputs.junit,
      () => renderJUnit(input.reports, { quarantine: input.quarantine, today: input.today }),
      'JUnit XML',
    ],
    [outputs.markdown, () => renderComment(summary), 'Markdown summary'],
  ];
  for (const [file, render, what] of writes) {
    if (file === undefined) continue;
    const text = render();
    await writeFileAtomic(file, text);
    ctx.note(`${what}: ${displayPath(file, ctx.io.cwd)} (${formatSize(Buffer.byteLength(text))})`);
  }
  return summary;
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
